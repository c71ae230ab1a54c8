/**
 * Per task or handler: `true` removes the finished task at once; `false` keeps
 * it with no limit (as BullMQ's `false`: only `remove`, `clean` or a later
 * task's own limits take it); otherwise how many to keep and for how long (ms),
 * a limit left out being the module's.
 */
export type RemoveOption = boolean | { age?: number; count?: number };

/** The limit `false` stands for: larger than any count or age in ms a queue meets. */
export const NO_RETENTION_LIMIT = Number.MAX_SAFE_INTEGER;

/**
 * A task's own retention once checked: removed as soon as it finishes, or
 * limits that replace the module's (a null field keeps the module's).
 */
export type RetentionOverride = 'remove' | { age: number | null; count: number | null };
