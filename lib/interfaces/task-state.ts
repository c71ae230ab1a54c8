/** Where a task is in its life. 'blocked': waiting for its dependencies to complete. */
export type TaskState = 'blocked' | 'waiting' | 'delayed' | 'active' | 'completed' | 'dead';

// A key per state, so the compiler points here when the type gains one.
const STATES = { blocked: true, waiting: true, delayed: true, active: true, completed: true, dead: true } as const satisfies Record<TaskState, true>;

/** Every state, in the order a task's life goes through them. */
export const TASK_STATES = Object.keys(STATES) as readonly TaskState[];
