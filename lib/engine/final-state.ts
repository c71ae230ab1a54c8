import type { TaskEvent } from '../interfaces/task-event.interface.js';
import type { FinalState } from './task-engine.js';

/** How a task ended, read from its final event (completed or dead); null for any other event. */
export function finalStateOf(event: TaskEvent): FinalState | null {
  if (event.type === 'completed') return { state: 'completed', result: event.result };
  if (event.type === 'dead') return { state: 'dead', error: event.error ?? { message: 'task failed' } };
  return null;
}
