export { createRoster, type Roster, type RosterOptions } from './app.js';
export { loadConfig, DEFAULT_PLUGINS, type ServerConfig } from './config.js';
export { resolvePlugins, allMigrations } from './plugin-host.js';
export {
  loadPluginSet,
  pluginList,
  findPackageDir,
  CONFIG_FILES,
  type PluginSet,
  type PluginFactory,
  type LoadPluginsOptions,
} from './plugin-loader.js';
export { ServerErrorCodes, type ServerErrorCode } from './errors.js';
export { SERVER_VERSION } from './version.js';
export { printSchemaOf } from './graphql.js';
export { frontDoorOf } from './front-door.js';
export { defaultConsoleDir } from './console.js';
export { migrate } from './orm.js';
export { startEmbedded } from './database.js';
export { seedDemo, createAdmin, demoConfig, demoPlugins, verifyDemoDomain, DEMO, DEMO_PLUGINS } from './demo.js';
export { createPluginCore } from './plugin-core.js';
