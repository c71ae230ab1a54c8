/** Where a task is in its life. 'blocked': waiting for its dependencies to complete. */
export type TaskState = 'blocked' | 'waiting' | 'delayed' | 'active' | 'completed' | 'dead';
