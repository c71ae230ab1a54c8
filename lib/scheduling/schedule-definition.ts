import type { FallbackPolicy } from '../config/resolved-options.js';
import type { HandlerDefaults } from '../discovery/handler-options.normalizer.js';
import type { ScheduleDefinition, StoredSchedule } from '../engine/schedule-engine.js';
import type { ScheduleSpec } from '../policies/schedule-timing.js';
import type { ScheduleInfo } from '../interfaces/schedule.interface.js';
import { removeOptionOf } from '../policies/removal-option.js';

/** What a schedule is made of before its occurrences' policy is settled. */
export interface ScheduleInput {
  id: string;
  name: string;
  queue: string;
  payloadJson: string;
  spec: ScheduleSpec;
  priority: number;
}

/** The policy and retention `TaskQueue.schedule` was given for its occurrences, checked. */
export type OccurrencePolicy = Partial<Pick<ScheduleDefinition, 'maxAttempts' | 'backoff' | 'timeoutMs' | 'removeOnComplete' | 'removeOnDead'>>;

/**
 * The definition to store: occurrences get the policy an enqueue of the task
 * would get in this app (the schedule's own options over its handler's, those
 * over `defaults`, the queue's defaults over the module's), fixed now, so any
 * instance can fire it, with or without the handler.
 */
export function defineSchedule(input: ScheduleInput, handler: HandlerDefaults | undefined, defaults: FallbackPolicy, own: OccurrencePolicy = {}): ScheduleDefinition {
  return {
    ...input,
    maxAttempts: own.maxAttempts ?? handler?.attempts ?? defaults.attempts,
    backoff: own.backoff ?? handler?.backoff ?? defaults.backoff,
    timeoutMs: own.timeoutMs ?? handler?.timeout ?? defaults.timeout,
    removeOnComplete: own.removeOnComplete ?? handler?.removeOnComplete ?? defaults.removeOnComplete,
    removeOnDead: own.removeOnDead ?? handler?.removeOnDead ?? defaults.removeOnDead,
  };
}

/** A schedule as `TaskQueue.schedules()` shows it. */
export function scheduleInfo<P = unknown>(s: Omit<StoredSchedule, 'revision'>): ScheduleInfo<P> {
  const { spec } = s;
  return {
    id: s.id,
    name: s.name,
    queue: s.queue,
    payload: s.payload as P,
    ...(spec.cron !== null && { cron: spec.cron }),
    ...(spec.every !== null && { every: spec.every }),
    ...(spec.timezone !== null && { timezone: spec.timezone }),
    priority: s.priority,
    attempts: s.maxAttempts,
    ...(s.backoff && { backoff: { ...s.backoff } }),
    ...(s.timeoutMs > 0 && { timeout: s.timeoutMs }),
    ...(s.removeOnComplete !== null && { removeOnComplete: removeOptionOf(s.removeOnComplete) }),
    ...(s.removeOnDead !== null && { removeOnDead: removeOptionOf(s.removeOnDead) }),
    next: s.next,
  };
}
