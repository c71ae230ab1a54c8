/** Per task or handler: `true` removes the finished task at once; otherwise how many to keep and for how long (ms). */
export type RemoveOption = boolean | { age?: number; count?: number };

/**
 * A task's own retention once checked: removed as soon as it finishes, or
 * limits that replace the module's (a null field keeps the module's).
 */
export type RetentionOverride = 'remove' | { age: number | null; count: number | null };
