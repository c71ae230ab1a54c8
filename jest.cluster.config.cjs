// `npm run test:cluster`: the e2e specs that cover every feature, run against a
// local Redis Cluster (3 masters, 3 replicas) that the global setup starts on
// free loopback ports and the teardown stops; then the Cluster-only specs of
// test/cluster/ (cross-queue batches, slot migration and failover mid-run,
// refusing a single-node connection to a cluster node). The specs reach the
// cluster through REDIS_CLUSTER_NODES (test/utils/redis.ts).
const shared = require('./test/utils/jest-shared.cjs');

/** The e2e specs run on the cluster, by feature. */
const FEATURE_SPECS = [
  'smoke', 'engine-contract.redis', // enqueue, fetch, settle, leases, recovery, priorities, delays, dependencies
  'idempotency', 'enqueue-validation', 'task-info', // enqueue and enqueueMany
  'graceful-shutdown', 'worker-crash', 'handler-concurrency', 'lost-outcome', // workers, leases and recovery
  'delayed-tasks', 'priority-order', 'retry-backoff', 'timeout', 'rate-limited-error',
  'wait-for', 'events-lifecycle-across-apps', 'events-off-queue', 'events-resume-from', // waitFor and events
  'schedule-engine.redis', 'schedules-exactly-once', 'schedules-every', 'schedules-list', // schedules
  'rate-limit-fleet', 'global-concurrency-fleet', 'pause-resume-fleet', // fleet-wide limits, pause
  'list-pages', 'waiting-pages', 'cancel-retry-counts', 'retention-and-keys', 'retention-per-task', // list, counts, retention
  'payload-storage', // payloads in the record or in their own key
  'dependencies-blocking', 'dependencies-failure', 'dependencies-results', 'dependencies-validation',
  'dashboard-http', // the dashboard's reads and actions (throughput, history, relations, queues)
];

/** @type {import('jest').Config} */
module.exports = {
  ...shared,
  displayName: 'cluster',
  rootDir: __dirname,
  roots: ['<rootDir>/test/e2e', '<rootDir>/test/cluster'],
  testMatch: [...FEATURE_SPECS.map((name) => `<rootDir>/test/e2e/${name}.spec.ts`), '<rootDir>/test/cluster/**/*.spec.ts'],
  globalSetup: '<rootDir>/test/utils/cluster-global-setup.cjs',
  globalTeardown: '<rootDir>/test/utils/cluster-global-teardown.cjs',
  // Six redis-servers share the two cores with jest: two workers.
  maxWorkers: 2,
  testTimeout: 60_000,
};
