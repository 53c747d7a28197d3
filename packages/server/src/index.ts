export { createRoster, type Roster, type RosterOptions } from './app.js';
export { loadConfig, DEFAULT_PLUGINS, type ServerConfig } from './config.js';
export { resolvePlugins, allMigrations } from './plugin-host.js';
export { frontDoorOf } from './front-door.js';
export { migrate } from './orm.js';
export { startEmbedded } from './database.js';
export { seedDemo, createAdmin, demoConfig, demoPlugins, verifyDemoDomain, DEMO, DEMO_PLUGINS } from './demo.js';
