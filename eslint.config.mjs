// Lint: typescript-eslint with type information, for the mistakes that bite a server —
// promises nobody awaits, promises handed where a callback is expected — and one way to
// import types. Formatting is Prettier's job (`.prettierrc.json`), not ESLint's.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'bench/results/**', '.roster-data/**', 'coverage/**', 'test-output/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['vitest.config.ts'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // The SDK is the whole contract (#15.4): a plugin reaches the host only through
    // @roster/plugin-sdk, so the core may change its internals without breaking one.
    files: ['plugins/**/*.ts', 'plugins/**/*.tsx', 'plugins/**/*.mjs', 'plugins/**/*.js'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: '@roster/core', message: 'Plugins use @roster/plugin-sdk only (packages/plugin-sdk/README.md).' }],
          patterns: [
            { group: ['@roster/core/*'], message: 'Plugins use @roster/plugin-sdk only (packages/plugin-sdk/README.md).' },
            { group: ['**/packages/core/**'], message: 'Plugins use @roster/plugin-sdk only (packages/plugin-sdk/README.md).' },
          ],
        },
      ],
    },
  },
  {
    // A plugin's console module (#16) runs in the admin console: it reaches the console through
    // @roster/console-sdk (with react and urql) only, never the console's internals, and, being
    // browser code, never the core or the server-side SDK.
    files: ['plugins/*/console/**/*.ts', 'plugins/*/console/**/*.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: '@roster/core', message: 'A plugin’s console module uses @roster/console-sdk (packages/console/README.md).' },
            { name: '@roster/plugin-sdk', message: 'Server-side SDK: a console module uses @roster/console-sdk.' },
            { name: '@roster/console', message: 'Console internals: a console module uses @roster/console-sdk.' },
          ],
          patterns: [
            {
              group: ['@roster/core/*', '@roster/console/*', '@roster/plugin-sdk/*', '@roster/console-sdk/*'],
              message: 'Import @roster/console-sdk itself.',
            },
            {
              group: ['**/packages/**', '../src/**', '../../**'],
              message: 'A console module imports its own files, @roster/console-sdk, react and urql only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        Buffer: 'readonly',
        fetch: 'readonly',
        performance: 'readonly',
        AbortSignal: 'readonly',
        AbortController: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        structuredClone: 'readonly',
      },
    },
  },
);
