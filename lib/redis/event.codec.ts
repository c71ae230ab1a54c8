import type { TaskEvent, TaskEventType } from '../interfaces/task-event.interface.js';
import type { TaskProgress } from '../interfaces/task-info.interface.js';
import { TASK_EVENT_TYPES } from '../interfaces/task-event-types.js';
import { EVENT, LIST_SEPARATOR } from './protocol.js';
import { SUB_EVENT_SEPARATOR } from '../engine/event-order.js';
import { decodeError, parseJson } from './task-record.codec.js';

const TYPES = new Set<string>(TASK_EVENT_TYPES);

/**
 * One stream entry ([id, [field, value, ...]]) as the TaskEvents it holds: one,
 * or, for a grouped entry (EVENT.ids), one per listed task, each but the last
 * with the event id `<entry id>/<k>` and the last with the entry id. None for an
 * entry that is not an event.
 */
export function decodeEvents(queue: string, entry: unknown): TaskEvent[] {
  if (!Array.isArray(entry) || typeof entry[0] !== 'string' || !Array.isArray(entry[1])) return [];
  const [eventId, flat] = entry as [string, unknown[]];
  const f = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) f.set(String(flat[i]), String(flat[i + 1]));
  const type = f.get(EVENT.type);
  if (type === undefined || !TYPES.has(type)) return [];
  const at = Number(eventId.split('-')[0]);
  const grouped = f.get(EVENT.ids);
  if (grouped !== undefined) return expandGroup(queue, type as TaskEventType, eventId, at, grouped, f);
  const id = f.get(EVENT.id);
  if (!id) return [];
  const event: TaskEvent = { type: type as TaskEventType, id, name: f.get(EVENT.name) ?? '', queue, at, eventId };
  const attempt = f.get(EVENT.attempt);
  if (attempt !== undefined) event.attempt = Number(attempt);
  const value = f.get(EVENT.value);
  if (type === 'completed') event.result = parseJson(value);
  if (type === 'retrying' || type === 'dead') event.error = decodeError(value) ?? { message: 'unknown error' };
  if (type === 'progress') event.progress = parseJson(value) as TaskProgress;
  return [event];
}

function expandGroup(queue: string, type: TaskEventType, entryId: string, at: number, ids: string, f: ReadonlyMap<string, string>): TaskEvent[] {
  const list = ids.split(LIST_SEPARATOR);
  const names = f.get(EVENT.names)?.split(LIST_SEPARATOR);
  const name = f.get(EVENT.name) ?? '';
  const attempts = f.get(EVENT.attempts)?.split(LIST_SEPARATOR);
  const last = list.length - 1;
  return list.map((id, k) => {
    const event: TaskEvent = { type, id, name: names?.[k] ?? name, queue, at, eventId: k === last ? entryId : `${entryId}${SUB_EVENT_SEPARATOR}${k}` };
    if (attempts) event.attempt = Number(attempts[k]);
    return event;
  });
}
