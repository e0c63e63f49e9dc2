// Jest for the suites (suites/*.spec.ts) of ONE board: run in band by `npm run hil`, which sets HIL_SESSION (DESIGN §1, §4.3).
const path = require('node:path');

// session.json sits in the board's work dir (`<out>/.work/<board>`), where jest-junit writes too
const workDir = process.env.HIL_SESSION ? path.dirname(path.resolve(process.env.HIL_SESSION)) : path.resolve('reports');

/** @type {import('jest').Config} */
module.exports = {
  rootDir: path.resolve(__dirname, '..'),
  roots: ['<rootDir>/suites'],
  testMatch: ['**/*.spec.ts'],
  testEnvironment: '<rootDir>/harness/jest/environment.ts',
  globalSetup: '<rootDir>/harness/jest/global-setup.ts',
  globalTeardown: '<rootDir>/harness/jest/global-teardown.ts',
  setupFilesAfterEnv: ['<rootDir>/harness/jest/setup-retries.ts'],
  transform: {
    // no type check here: `npm run typecheck` covers suites; a board run must not spend its time in tsc
    '^.+\\.ts$': ['ts-jest', { diagnostics: false, tsconfig: { isolatedModules: true } }],
    // p-retry and is-network-error are ESM-only: let ts-jest down-level them to CJS
    '^.+\\.m?js$': ['ts-jest', { diagnostics: false, tsconfig: { allowJs: true, isolatedModules: true } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(p-retry|is-network-error)/)'],
  // phases carry their own budgets (profile timeouts); this only stops a test that hangs outside every phase
  testTimeout: 600000,
  reporters: [
    '<rootDir>/harness/jest/quiet-reporter.js',
    ['jest-junit', {
      outputDirectory: workDir,
      outputName: 'jest-junit.xml',
      reportTestSuiteErrors: true,
      // the spec path names the suite (`suites/rpmsg.spec.ts`); jest-junit's default is the first describe title
      suiteNameTemplate: '{filepath}',
      classNameTemplate: '{classname}',
      titleTemplate: '{title}',
      ancestorSeparator: ' › ',
      addFileAttribute: 'false',
    }],
  ],
};
