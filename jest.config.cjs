// `npm test` runs two phases, each a project of this config: unit (test/unit,
// no Redis) and e2e (test/e2e, a real Redis: REDIS_URL's, or a private
// redis-server started for the run). `npx jest` runs both; `--selectProjects
// unit` or `e2e` one. The fault suite has its own config (jest.faults.config.cjs).
const { availableParallelism } = require('node:os');
const shared = require('./test/utils/jest-shared.cjs');

/** @type {import('jest').Config} */
module.exports = {
  // The e2e specs mostly wait on Redis, timers and child processes, not on
  // the CPU, so two workers per core keep the cores busy. Measured on 2 cores
  // (e2e phase, wall time): 1 worker 90 s, 2 about 55 s, 3 about 41 s, 4 about
  // 37 s; 6 was no faster and failed a timing bound in timeout.spec.ts.
  // `--maxWorkers` on the command line still wins.
  maxWorkers: Math.max(2, availableParallelism() * 2),
  // Jest reads the timeout from the top level only, not from a project.
  testTimeout: 30000,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      rootDir: __dirname,
      // The docs examples compile here too: they need no Redis.
      roots: ['<rootDir>/test/unit', '<rootDir>/test/docs'],
      testMatch: ['**/*.spec.ts'],
    },
    {
      ...shared,
      displayName: 'e2e',
      rootDir: __dirname,
      roots: ['<rootDir>/test/e2e'],
      testMatch: ['**/*.spec.ts'],
      globalSetup: '<rootDir>/test/utils/e2e-global-setup.cjs',
      globalTeardown: '<rootDir>/test/utils/e2e-global-teardown.cjs',
    },
  ],
};
