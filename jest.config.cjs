// Nest 12 ships ES modules only. Rather than run jest in its experimental ESM
// mode, one SWC transform turns our TypeScript and Nest's ESM into CommonJS, so
// the tests see one module system. Type checking is tsc's job (`npm run typecheck`).
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.spec.ts'],
  // The fault suite has its own config (jest.faults.config.cjs, npm run test:faults).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/faults/'],
  transform: { '^.+\\.(t|j|mj)s$': swc },
  // Transform Nest's ESM packages; everything else in node_modules is CommonJS.
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs)/)'],
  // Sources import './x.js' (as ESM needs); jest resolves the .ts file.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  globalSetup: '<rootDir>/test/utils/global-setup.cjs',
  testTimeout: 30000,
};
