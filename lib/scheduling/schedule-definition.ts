import type { ResolvedPolicy } from '../config/resolved-options.js';
import { encodeBackoff } from '../policies/backoff.js';
import { encodeRemoveOption, type HandlerDefaults } from '../producer/enqueue-options.normalizer.js';
import type { ScheduleInfo } from './schedule.interface.js';
import type { ScheduleSpec } from '../policies/schedule-timing.js';

/** A schedule's definition, as stored (its occurrences' policy already encoded as enqueue stores it). */
export interface StoredSchedule {
  id: string;
  queue: string;
  name: string;
  payloadJson: string;
  spec: ScheduleSpec;
  maxAttempts: number;
  /** '' | 'f,<delay>' | 'e,<delay>[,<max>]'. */
  backoff: string;
  timeoutMs: number;
  removeOnComplete: string;
  removeOnDead: string;
}

/** A stored schedule with its due time and the revision the firer compares. */
export interface ScheduleState extends StoredSchedule {
  next: number;
  revision: string;
}

/** What a schedule is made of before its occurrences' policy is settled. */
export interface ScheduleInput {
  id: string;
  name: string;
  queue: string;
  payloadJson: string;
  spec: ScheduleSpec;
}

/**
 * The definition to store: occurrences get the policy an enqueue of the task
 * would get in this app (its handler's options over the module defaults), fixed
 * now, so any instance can fire it, with or without the handler.
 */
export function defineSchedule(input: ScheduleInput, handler: HandlerDefaults | undefined, defaults: ResolvedPolicy, where: string): StoredSchedule {
  return {
    ...input,
    maxAttempts: handler?.attempts ?? defaults.attempts,
    backoff: encodeBackoff(handler?.backoff ?? defaults.backoff),
    timeoutMs: handler?.timeout ?? defaults.timeout,
    removeOnComplete: encodeRemoveOption(handler?.removeOnComplete, where, 'removeOnComplete'),
    removeOnDead: encodeRemoveOption(handler?.removeOnDead, where, 'removeOnDead'),
  };
}

/** A stored schedule as `TaskQueue.schedules()` shows it. */
export function scheduleInfo<P = unknown>(state: Pick<ScheduleState, 'id' | 'name' | 'queue' | 'payloadJson' | 'spec' | 'next'>): ScheduleInfo<P> {
  const { spec } = state;
  return {
    id: state.id,
    name: state.name,
    queue: state.queue,
    payload: JSON.parse(state.payloadJson) as P,
    ...(spec.cron !== null && { cron: spec.cron }),
    ...(spec.every !== null && { every: spec.every }),
    ...(spec.timezone !== null && { timezone: spec.timezone }),
    next: state.next,
  };
}

/** The task id of the occurrence due at `dueMs`: the same on every instance, so it is added once. */
export function occurrenceId(scheduleId: string, dueMs: number): string {
  return `${scheduleId}@${dueMs}`;
}

/** A definition hash as a ScheduleState; null when it is missing or not one this library wrote. */
export function decodeSchedule(queue: string, id: string, hash: Record<string, string>): ScheduleState | null {
  const { n, d, cr, ev, tz, nx, v } = hash;
  if (n === undefined || d === undefined || nx === undefined || v === undefined || !/^\d+$/.test(nx)) return null;
  let spec: ScheduleSpec;
  if (cr) spec = { cron: cr, every: null, timezone: tz || null };
  else if (ev && /^\d+$/.test(ev)) spec = { cron: null, every: Number(ev), timezone: null };
  else return null;
  return {
    id,
    queue,
    name: n,
    payloadJson: d,
    spec,
    maxAttempts: Number(hash.m),
    backoff: hash.b ?? '',
    timeoutMs: Number(hash.to ?? 0),
    removeOnComplete: hash.rc ?? '',
    removeOnDead: hash.rd ?? '',
    next: Number(nx),
    revision: v,
  };
}
