// The architecture of lib/ as rules (checked by test/unit/architecture.spec.ts).
// Folders are layered: each may import only the folders listed after it, so
// arrows point down and no two folders import each other. No folder imports
// the public barrel lib/index.ts. The composition
// root (module/) is the only place that picks the store adapter; the two
// adapters (redis/, memory/) sit side by side and never import each other.
const LAYERS = [
  'cli', 'dashboard', 'terminus', 'module', 'testing', 'producer', 'worker', 'scheduling', 'events', 'discovery', 'decorators', 'execution', 'telemetry',
  'redis', 'memory', 'engine', 'config', 'policies', 'interfaces', 'errors', 'timers',
];

const upward = LAYERS.map((layer, i) => ({
  name: `${layer}-imports-no-higher-layer`,
  comment: `lib/${layer}/ may import only ${LAYERS.slice(i + 1).join(', ') || 'nothing of lib/'}`,
  severity: 'error',
  from: { path: `^lib/${layer}/` },
  to: { path: i === 0 ? '^lib/index\\.ts$' : `^lib/(index\\.ts$|(${LAYERS.slice(0, i).join('|')})/)` },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    ...upward,
    {
      name: 'only-the-redis-adapter-imports-ioredis',
      comment: 'ioredis stays behind the engine port (config may name its option types for `connection`)',
      severity: 'error',
      from: { path: '^lib/', pathNot: '^lib/(redis/|config/connection-options\\.ts$)' },
      to: { path: '(^|/)node_modules/ioredis/' },
    },
    {
      name: 'only-telemetry-imports-opentelemetry',
      comment: '@opentelemetry/api is an optional peer: loaded by telemetry/ alone, by a dynamic import (types elsewhere would leak into the main entry)',
      severity: 'error',
      from: { path: '^lib/', pathNot: '^lib/telemetry/' },
      to: { path: '(^|/)node_modules/@opentelemetry/' },
    },
    {
      name: 'only-the-terminus-entry-imports-terminus',
      comment: '@nestjs/terminus is an optional peer, used by the nestjs-redis-tasks/terminus entry alone',
      severity: 'error',
      from: { path: '^lib/', pathNot: '^lib/terminus/' },
      to: { path: '(^|/)node_modules/@nestjs/terminus/' },
    },
    {
      name: 'no-http-platform-imports',
      comment: 'the dashboard runs on Express and Fastify alike: lib/ uses Nest\'s own decorators and HttpAdapterHost, never a platform package',
      severity: 'error',
      from: { path: '^lib/' },
      to: { path: '(^|/)node_modules/(@nestjs/platform-|express|fastify)' },
    },
    {
      name: 'only-the-composition-root-picks-an-adapter',
      severity: 'error',
      from: { path: '^lib/', pathNot: '^lib/(module|redis)/' },
      to: { path: '^lib/redis/' },
    },
    {
      name: 'only-the-composition-root-and-the-test-mode-use-the-memory-adapter',
      comment: 'testing/ (TaskTester, the inline runner) drives the in-memory engine it ships with: its clock and its log of added tasks',
      severity: 'error',
      from: { path: '^lib/', pathNot: '^lib/(module|testing|memory)/' },
      to: { path: '^lib/memory/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: a cycle through types is still a cycle of ideas.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
