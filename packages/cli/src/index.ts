export { pluginsByName, PLUGIN_FACTORIES } from './registry.js';
export { demoCommand, expectedOutcome, people, progress, runCycle } from './demo-scim/index.js';
export { wireDemoIdps } from './demo-idp.js';
