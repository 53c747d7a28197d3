import { defineConfig } from 'vite';

// Roster serves the build at /admin (packages/server/src/console.ts). `pnpm dev` serves the
// sources with hot reload and forwards the API to a Roster started by `npm start` on :4000.
const roster = process.env.ROSTER_URL ?? 'http://127.0.0.1:4000';
const api = ['/graphql', '/auth', '/oidc', '/saml', '/wsfed'];

export default defineConfig({
  base: '/admin/',
  build: {
    target: 'es2022',
    // Every browser the console supports has modulepreload; the polyfill would be dead weight.
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
  server: { proxy: Object.fromEntries(api.map((path) => [path, roster])) },
});
