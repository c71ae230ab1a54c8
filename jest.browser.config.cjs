// The browser suite (test/browser/): the dashboard in headless Chromium from
// Debian's packages (/usr/bin/chromium, or CHROMIUM_PATH), driven by
// playwright-core; no browser is downloaded. Run by `npm run test:browser`,
// against a real Redis as the e2e phase is. One spec at a time: Chromium is
// heavy on a 2-core machine.
const shared = require('./test/utils/jest-shared.cjs');

/** @type {import('jest').Config} */
module.exports = {
  ...shared,
  displayName: 'browser',
  rootDir: __dirname,
  roots: ['<rootDir>/test/browser'],
  testMatch: ['<rootDir>/test/browser/**/*.spec.ts'],
  globalSetup: '<rootDir>/test/utils/e2e-global-setup.cjs',
  globalTeardown: '<rootDir>/test/utils/e2e-global-teardown.cjs',
  maxWorkers: 1,
  testTimeout: 60_000,
};
