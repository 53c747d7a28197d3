/**
 * @roster/plugin-scim — SCIM 2.0 provisioning for Roster teams. Phase 1 exposes the
 * framework-free protocol layer; the plugin factory (routes, storage) builds on it.
 */
export * from './protocol/index.js';
