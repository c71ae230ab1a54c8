import type { TaskEvent, TaskEventType } from '../interfaces/task-event.interface.js';
import type { TaskProgress } from '../interfaces/task-info.interface.js';
import { TASK_EVENT_TYPES } from '../interfaces/task-event-types.js';
import { decodeError, parseJson } from './task-record.codec.js';

const TYPES = new Set<TaskEventType>(TASK_EVENT_TYPES);

/** One stream entry ([id, [field, value, ...]]) as a TaskEvent, or null for an entry that is not one. */
export function decodeEvent(queue: string, entry: unknown): TaskEvent | null {
  if (!Array.isArray(entry) || typeof entry[0] !== 'string' || !Array.isArray(entry[1])) return null;
  const [eventId, flat] = entry as [string, unknown[]];
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) f[String(flat[i])] = String(flat[i + 1]);
  const type = f.t as TaskEventType;
  if (!TYPES.has(type) || !f.i) return null;
  const event: TaskEvent = { type, id: f.i, name: f.n ?? '', queue, at: Number(eventId.split('-')[0]), eventId };
  if (f.a !== undefined) event.attempt = Number(f.a);
  if (type === 'completed') event.result = parseJson(f.v);
  if (type === 'retrying' || type === 'dead') event.error = decodeError(f.v) ?? { message: 'unknown error' };
  if (type === 'progress') event.progress = parseJson(f.v) as TaskProgress;
  return event;
}
