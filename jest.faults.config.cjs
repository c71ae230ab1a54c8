// The fault suite (test/faults/): real worker and producer processes against
// redis-servers the scenarios start themselves. Run by `npm run test:faults`,
// which builds first (the child apps load dist/). Scenarios load the machine
// on purpose, so they run one at a time.
const base = require('./jest.config.cjs');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/test/faults'],
  testMatch: ['<rootDir>/test/faults/**/*.spec.ts'],
  // The main config ignores test/faults; this one runs only that.
  testPathIgnorePatterns: ['/node_modules/'],
  maxWorkers: 1,
  testTimeout: 300_000,
};
