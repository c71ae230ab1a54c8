// Public exports of the events feature.
export type { TaskEvent, TaskEventType, TaskEventsOptions } from '../interfaces/task-event.interface.js';
export { OnTaskEvent, type OnTaskEventOptions } from '../decorators/on-task-event.decorator.js';
