import type { StoredSchedule } from '../engine/schedule-engine.js';
import type { ScheduleSpec } from '../policies/schedule-timing.js';
import { SCHEDULE } from './protocol.js';
import { decodeBackoff, decodeRetention } from './record-values.js';

/** A definition hash as a StoredSchedule; null when it is missing or not one this library wrote. */
export function decodeSchedule(queue: string, id: string, hash: Record<string, string>): StoredSchedule | null {
  const name = hash[SCHEDULE.name];
  const payloadJson = hash[SCHEDULE.payload];
  const next = hash[SCHEDULE.next];
  const revision = hash[SCHEDULE.revision];
  if (name === undefined || payloadJson === undefined || next === undefined || revision === undefined || !/^\d+$/.test(next)) return null;
  const cron = hash[SCHEDULE.cron];
  const every = hash[SCHEDULE.every];
  let spec: ScheduleSpec;
  if (cron) spec = { cron, every: null, timezone: hash[SCHEDULE.timezone] || null };
  else if (every && /^\d+$/.test(every)) spec = { cron: null, every: Number(every), timezone: null };
  else return null;
  let payload: unknown;
  try {
    payload = JSON.parse(payloadJson);
  } catch {
    return null;
  }
  return {
    id,
    queue,
    name,
    payload,
    spec,
    // As fire-schedule.lua reads it: what is not a number (absent, '', a hand edit) is 0.
    priority: Number(hash[SCHEDULE.priority]) || 0,
    maxAttempts: Number(hash[SCHEDULE.maxAttempts]),
    backoff: decodeBackoff(hash[SCHEDULE.backoff]),
    timeoutMs: Number(hash[SCHEDULE.timeout] ?? 0),
    removeOnComplete: decodeRetention(hash[SCHEDULE.removeOnComplete]),
    removeOnDead: decodeRetention(hash[SCHEDULE.removeOnDead]),
    next: Number(next),
    revision,
  };
}
