import type { TaskEvent, TaskEventType } from '../interfaces/task-event.interface.js';
import type { TaskProgress } from '../interfaces/task-info.interface.js';
import { TASK_EVENT_TYPES } from '../interfaces/task-event-types.js';
import { EVENT } from './protocol.js';
import { decodeError, parseJson } from './task-record.codec.js';

const TYPES = new Set<string>(TASK_EVENT_TYPES);

/** One stream entry ([id, [field, value, ...]]) as a TaskEvent, or null for an entry that is not one. */
export function decodeEvent(queue: string, entry: unknown): TaskEvent | null {
  if (!Array.isArray(entry) || typeof entry[0] !== 'string' || !Array.isArray(entry[1])) return null;
  const [eventId, flat] = entry as [string, unknown[]];
  const f = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) f.set(String(flat[i]), String(flat[i + 1]));
  const type = f.get(EVENT.type);
  const id = f.get(EVENT.id);
  if (type === undefined || !TYPES.has(type) || !id) return null;
  const event: TaskEvent = { type: type as TaskEventType, id, name: f.get(EVENT.name) ?? '', queue, at: Number(eventId.split('-')[0]), eventId };
  const attempt = f.get(EVENT.attempt);
  if (attempt !== undefined) event.attempt = Number(attempt);
  const value = f.get(EVENT.value);
  if (type === 'completed') event.result = parseJson(value);
  if (type === 'retrying' || type === 'dead') event.error = decodeError(value) ?? { message: 'unknown error' };
  if (type === 'progress') event.progress = parseJson(value) as TaskProgress;
  return event;
}
