export { pluginsByName, PLUGIN_FACTORIES } from './registry.js';
export { wireDemoIdps } from './demo-idp.js';
