import type { TaskEventType } from './task-event.interface.js';

/** Every event type, in the order a task's life goes through them. */
export const TASK_EVENT_TYPES: readonly TaskEventType[] = ['enqueued', 'started', 'progress', 'completed', 'retrying', 'dead'];
