// One jest run over the whole monorepo. Tests run against the TypeScript sources
// (transpiled by SWC); end-to-end suites start the built services (`npm run build` first).

const swc = ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }];
// Node can require() ES modules but jest's module system cannot: ESM-only dependencies
// (jose) are transpiled to CommonJS for the tests. PGlite's CommonJS build loads Node's own
// modules with import(), which jest refuses without --experimental-vm-modules: transpiled too.
const transform = { '^.+\\.ts$': swc, '/node_modules/jose/.+\\.js$': swc, '/node_modules/@electric-sql/pglite/dist/.+\\.cjs$': swc };
const transformIgnorePatterns = ['/node_modules/(?!jose/|@electric-sql/pglite/)'];
// Workspace packages resolve to their sources, so unit and integration tests need no build.
const moduleNameMapper = {
  '^@waitlessq/(config|errors|auth|database|redis|observability|subgraph-kit|testkit|jobs|channels|validation)$': '<rootDir>/packages/$1/src',
  '^@waitlessq/(user|business|queue|pwa)-subgraph$': '<rootDir>/subgraphs/$1/src',
  '^@waitlessq/gateway$': '<rootDir>/gateway/src',
  '^@waitlessq/all-in-one$': '<rootDir>/apps/all-in-one/src',
  '^@waitlessq/workers$': '<rootDir>/workers/src',
};
const common = {
  rootDir: __dirname,
  transform,
  transformIgnorePatterns,
  moduleNameMapper,
  testEnvironment: 'node',
  modulePathIgnorePatterns: ['<rootDir>/(packages|subgraphs)/[^/]+/dist/', '<rootDir>/gateway/dist/', '<rootDir>/workers/dist/'],
};

module.exports = {
  // A global option: jest ignores testTimeout inside a project's configuration, so integration
  // and end-to-end suites ran with the 5 s default and failed on a busy two-core machine.
  testTimeout: 120_000,
  // On two cores jest runs the suites in its own process: a connection a suite leaves open (a
  // BullMQ or ioredis client reconnecting) would keep `npm test` from ending after every test
  // passed. The suites close what they open; this is the backstop.
  forceExit: true,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['**/src/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '\\.int\\.test\\.ts$', '\\.e2e\\.test\\.ts$'],
    },
    {
      ...common,
      displayName: 'integration',
      globalSetup: '<rootDir>/packages/testkit/src/global-setup.ts',
      testMatch: ['**/src/**/*.int.test.ts', '<rootDir>/prisma/**/*.int.test.ts', '<rootDir>/schema/**/*.int.test.ts', '<rootDir>/deploy/**/*.int.test.ts'],
      testTimeout: 60_000,
    },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/e2e/**/*.e2e.test.ts'], testTimeout: 120_000 },
  ],
};
