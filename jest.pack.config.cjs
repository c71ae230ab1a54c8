// The packaging check (test/pack/): `npm pack` in a fresh copy of the working
// tree (its prepack builds both formats) and the tarball installed into an
// empty app. Needs no Redis, but builds the package once more, so it is a step
// of its own (`npm run test:pack`, the CI's "pack" step) rather than part of
// every `npm test`.
const shared = require('./test/utils/jest-shared.cjs');

/** @type {import('jest').Config} */
module.exports = {
  ...shared,
  displayName: 'pack',
  rootDir: __dirname,
  roots: ['<rootDir>/test/pack'],
  testMatch: ['<rootDir>/test/pack/**/*.spec.ts'],
  maxWorkers: 1,
  testTimeout: 300_000,
};
