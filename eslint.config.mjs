// Lint: typescript-eslint with type information, for the mistakes that bite a server —
// promises nobody awaits, promises handed where a callback is expected — and one way to
// import types. Formatting is Prettier's job (`.prettierrc.json`), not ESLint's.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'bench/results/**', '.roster-data/**', 'coverage/**'] },
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
    files: ['plugins/**/*.ts', 'plugins/**/*.mjs', 'plugins/**/*.js'],
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
