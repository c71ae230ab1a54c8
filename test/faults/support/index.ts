// Shared support of the fault scenarios (test/faults/*.spec.ts): their own
// redis-servers, worker and producer child processes that report what they
// run, the ledger of runs, the tally of outcomes and the summary line.
export * from './fault-redis.js';
export * from './children.js';
export * from './ledger.js';
export * from './lease-watch.js';
export * from './producer.js';
export * from './scenario.js';
export * from './tally.js';
export * from './sentinels.js';
