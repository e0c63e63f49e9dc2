// Jest for the harness's own tests: CommonJS runtime via ts-jest (see reference/toolchain.md §1).
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', {}],
    // p-retry and is-network-error are ESM-only: let ts-jest down-level them to CJS.
    '^.+\\.m?js$': ['ts-jest', { tsconfig: { allowJs: true } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(p-retry|is-network-error)/)'],
  testTimeout: 30000,
  reporters: [
    'default',
    ['jest-junit', {
      outputDirectory: 'reports', outputName: 'junit.xml',
      suiteNameTemplate: '{filepath}', classNameTemplate: '{filepath}', titleTemplate: '{title}',
      reportTestSuiteErrors: true,
    }],
  ],
};
