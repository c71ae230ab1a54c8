import type { TaskEventType } from './task-event.interface.js';

// A key per event type, so the compiler points here when the type gains one.
const EVENT_TYPES = { enqueued: true, started: true, progress: true, completed: true, retrying: true, dead: true } as const satisfies Record<TaskEventType, true>;

/** Every event type, in the order a task's life goes through them. */
export const TASK_EVENT_TYPES = Object.keys(EVENT_TYPES) as readonly TaskEventType[];
