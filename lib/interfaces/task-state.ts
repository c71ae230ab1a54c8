/** Where a task is in its life. */
export type TaskState = 'waiting' | 'delayed' | 'active' | 'completed' | 'dead';
