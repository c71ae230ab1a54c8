// Options every jest config here shares (jest.config.cjs's unit and e2e projects,
// jest.faults.config.cjs). Paths use <rootDir>, which each config sets to the package root.

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
  transform: { '^.+\\.(t|j|mj)s$': swc },
  // Transform Nest's ESM packages; everything else in node_modules is CommonJS.
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs)/)'],
  // Sources import './x.js' (as ESM needs); jest resolves the .ts file. The package's own
  // name resolves to lib/, for examples written as a user writes them (docs/testing.md).
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    '^nestjs-redis-tasks$': '<rootDir>/lib/index.ts',
    '^nestjs-redis-tasks/testing$': '<rootDir>/lib/testing/index.ts',
    '^nestjs-redis-tasks/dashboard$': '<rootDir>/lib/dashboard/index.ts',
  },
  // Regenerates the embedded Lua, so jest alone sees the current .lua files.
  globalSetup: '<rootDir>/test/utils/global-setup.cjs',
};
