// The fault suite (test/faults/): real worker and producer processes against
// redis-servers the scenarios start themselves. Run by `npm run test:faults`,
// which builds first (the child apps load dist/). Scenarios load the machine
// on purpose, so they run one at a time.
const shared = require('./test/utils/jest-shared.cjs');

/** @type {import('jest').Config} */
module.exports = {
  ...shared,
  displayName: 'faults',
  rootDir: __dirname,
  roots: ['<rootDir>/test/faults'],
  testMatch: ['<rootDir>/test/faults/**/*.spec.ts'],
  maxWorkers: 1,
  testTimeout: 300_000,
};
