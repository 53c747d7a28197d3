// Protocol core (framework-free). The Roster plugin wiring (routes, GraphQL, traces) builds on it.
export * from './protocol/index.js';
