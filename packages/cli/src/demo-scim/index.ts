export { demoCommand, DEMO_SCIM_USAGE, type CommandIo } from './command.js';
export { runCycle, type CycleOptions, type CycleResult } from './cycle.js';
export { expectedOutcome, people, LICENSE_TYPES, type Person } from './people.js';
export type { Summary } from './state.js';
export { progress, type Progress, type Output } from './progress.js';
