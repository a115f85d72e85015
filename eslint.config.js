// Lint rules for the whole tree. Each workspace runs `eslint src` (ESLint finds this file
// upwards); the root `npm run lint` also lints the directories outside the workspaces.
const js = require('@eslint/js');
const globals = require('globals');
const tseslint = require('typescript-eslint');

module.exports = tseslint.config(
  { ignores: ['**/dist/**', '**/generated/**', '**/node_modules/**', '**/coverage/**', 'loadtests/out/**', 'e2e/artifacts/**'] },
  {
    files: ['**/*.ts'],
    extends: [...tseslint.configs.recommended],
    languageOptions: {
      // Type-aware rules: each file is checked with the tsconfig.json nearest to it
      // (the workspace's, or the root one for e2e/, loadtests/, scripts/, prisma/, schema/).
      parserOptions: { projectService: true, tsconfigRootDir: __dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      // A promise nobody awaits loses its rejection (an unhandled rejection ends the process).
      '@typescript-eslint/no-floating-promises': 'error',
      // An async callback where a void one is expected (an event handler, a timer) also loses it.
      '@typescript-eslint/no-misused-promises': 'error',
      'no-console': 'off',
    },
  },
  {
    // Hand-written CommonJS scripts (the offline Prisma wrapper, build and health-check scripts).
    files: ['**/*.js'],
    extends: [js.configs.recommended],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: {
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
);
