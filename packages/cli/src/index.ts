export { pluginsByName, PLUGIN_FACTORIES } from './registry.js';
