import type { ScheduleDefinition, StoredSchedule } from '../engine/schedule-engine.js';

/** A schedule as the in-memory engine keeps it: its definition, its next due time and its revision. */
export interface MemorySchedule {
  definition: ScheduleDefinition;
  next: number;
  revision: number;
}

/** The fields a save compares; a change to any of them bumps the revision. */
function fields(d: ScheduleDefinition): unknown[] {
  return [d.queue, d.name, d.payloadJson, d.spec.cron, d.spec.every, d.spec.timezone, d.maxAttempts, JSON.stringify(d.backoff), d.timeoutMs,
    JSON.stringify(d.removeOnComplete), JSON.stringify(d.removeOnDead), d.priority];
}

/** Whether two definitions are the same in every field a save compares. */
export function sameDefinition(a: ScheduleDefinition, b: ScheduleDefinition): boolean {
  const x = fields(a);
  const y = fields(b);
  return x.every((value, i) => value === y[i]);
}

/** Whether two definitions share their timing (then the stored due time is kept). */
export function sameTiming(a: ScheduleDefinition, b: ScheduleDefinition): boolean {
  return a.spec.cron === b.spec.cron && a.spec.every === b.spec.every && a.spec.timezone === b.spec.timezone;
}

/** A schedule read back, as the port returns it. */
export function storedSchedule(s: MemorySchedule): StoredSchedule {
  const { payloadJson, spec, backoff, ...rest } = s.definition;
  return {
    ...rest,
    spec: { ...spec },
    backoff: backoff && { ...backoff },
    payload: JSON.parse(payloadJson) as unknown,
    next: s.next,
    revision: String(s.revision),
  };
}
