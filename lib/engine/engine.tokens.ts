/** Injection token of the TaskEngine the producer, the worker and the event followers use. */
export const TASK_ENGINE = Symbol.for('nestjs-redis-tasks:task-engine');

/** Injection token of the ScheduleEngine behind recurring schedules. */
export const SCHEDULE_ENGINE = Symbol.for('nestjs-redis-tasks:schedule-engine');

/**
 * Provided as false beside TaskModule to skip the store's bootstrap check that
 * its user may run every command the store needs (on Redis, script-access.ts).
 * The command line tool does: its operators use the read-only rule of
 * docs/cli.md, with +srem where it says, one command at a time, each saying
 * what it was refused. Not a public option.
 */
export const STORE_ACCESS_CHECK = Symbol('nestjs-redis-tasks:store-access-check');

/**
 * Provided as true beside TaskModule to accept a Redis replica at bootstrap,
 * which is refused otherwise (it refuses every write). The command line tool
 * does for its commands that only read: an operator may point them at a
 * replica. Not a public option.
 */
export const STORE_REPLICA_READS = Symbol('nestjs-redis-tasks:store-replica-reads');

/**
 * Injection token of a function giving the queues this app's handlers serve,
 * known once handlers are discovered (onModuleInit): the store's bootstrap
 * check of its user's access probes them beside the queues the options name.
 */
export const SERVED_QUEUES = Symbol('nestjs-redis-tasks:served-queues');
/** What SERVED_QUEUES provides. */
export type ServedQueues = () => readonly string[];
