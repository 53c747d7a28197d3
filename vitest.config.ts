import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);
const root = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      // One graphql for everyone: Vite would load the ESM build while type-graphql and Apollo load CJS.
      { find: /^graphql$/, replacement: require.resolve('graphql') },
      // Workspace packages run from their TypeScript sources in tests: no build step before `vitest`.
      { find: /^@roster\/server\/testing$/, replacement: root('./packages/server/src/testing/index.ts') },
      { find: /^@roster\/(core|server|plugin-sdk|xml-security|cli|webhook-verify)$/, replacement: root('./packages/$1/src/index.ts') },
      { find: /^@roster\/plugin-(.+)$/, replacement: root('./plugins/$1/src/index.ts') },
    ],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'plugins/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['./test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
