// Public exports of the events feature.
export type { TaskEvent, TaskEventType, TaskEventsOptions } from './task-event.interface.js';
