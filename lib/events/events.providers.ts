import type { Provider } from '@nestjs/common';
import { TASK_ENGINE } from '../engine/engine.tokens.js';
import type { TaskEngine } from '../engine/task-engine.js';
import { QueueEventHub } from './queue-event-hub.js';
import { TaskEventListenerExplorer } from './task-event-listener.explorer.js';

/** Providers of the events feature, added to TaskModule. */
export const EVENT_PROVIDERS: Provider[] = [
  { provide: QueueEventHub, useFactory: (engine: TaskEngine) => new QueueEventHub(engine), inject: [TASK_ENGINE] },
  TaskEventListenerExplorer,
];
