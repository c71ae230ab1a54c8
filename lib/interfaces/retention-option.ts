/**
 * Per task or handler: `true` removes the finished task at once; `false` keeps
 * it as BullMQ's `false` does (its finish trims nothing and the age sweep
 * passes it by, though a later task's finish trims the queue by that task's
 * limits); otherwise how many to keep and for how long (ms), a limit left out
 * being the module's.
 */
export type RemoveOption = boolean | { age?: number; count?: number };

/** The limit `false` stands for: larger than any count or age in ms a queue meets. */
export const NO_RETENTION_LIMIT = Number.MAX_SAFE_INTEGER;

/**
 * A task's own retention once checked: removed as soon as it finishes, or
 * limits that replace the module's (a null field keeps the module's).
 */
export type RetentionOverride = 'remove' | { age: number | null; count: number | null };
