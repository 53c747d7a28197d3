export { pluginsByName, pluginDirs, PLUGIN_FACTORIES } from './registry.js';
export { buildConsole, consoleBuiltFor, consoleEntries, sameSet, type ConsoleEntry } from './console-build.js';
export { demoCommand, expectedOutcome, people, progress, runCycle } from './demo-scim/index.js';
export { wireDemoIdps } from './demo-idp.js';
