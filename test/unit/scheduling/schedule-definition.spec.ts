import { defineSchedule, scheduleInfo } from '../../../lib/scheduling/schedule-definition.js';
import type { ScheduleSpec } from '../../../lib/policies/schedule-timing.js';

const defaults = { attempts: 3, backoff: { type: 'exponential' as const, delay: 1_000 }, timeout: 0, removeOnComplete: null, removeOnDead: null };
const every: ScheduleSpec = { cron: null, every: 60_000, timezone: null };
const input = { id: 'nightly', name: 'report', queue: 'reports', payloadJson: '{"a":1}', spec: every, priority: 0 };

describe('defineSchedule', () => {
  it('gives occurrences the module defaults when the app has no handler for the task', () => {
    expect(defineSchedule(input, undefined, defaults)).toEqual({
      ...input,
      maxAttempts: 3,
      backoff: { type: 'exponential', delay: 1_000 },
      timeoutMs: 0,
      removeOnComplete: null,
      removeOnDead: null,
    });
  });

  it("takes the handler's policy and retention over the defaults", () => {
    const handler = {
      queue: 'reports',
      attempts: 5,
      backoff: { type: 'fixed' as const, delay: 10 },
      timeout: 2_000,
      removeOnComplete: 'remove' as const,
      removeOnDead: { age: 60_000, count: null },
    };
    expect(defineSchedule(input, handler, defaults)).toMatchObject({
      maxAttempts: 5,
      backoff: { type: 'fixed', delay: 10 },
      timeoutMs: 2_000,
      removeOnComplete: 'remove',
      removeOnDead: { age: 60_000, count: null },
    });
  });

  it("takes the schedule's own policy and retention over the handler's, field by field", () => {
    const handler = { queue: 'reports', attempts: 5, timeout: 2_000, removeOnComplete: 'remove' as const, removeOnDead: null };
    const own = { maxAttempts: 9, backoff: { type: 'fixed' as const, delay: 3 }, removeOnDead: 'remove' as const };
    expect(defineSchedule({ ...input, priority: 4 }, handler, defaults, own)).toEqual({
      ...input,
      priority: 4,
      maxAttempts: 9,
      backoff: { type: 'fixed', delay: 3 },
      timeoutMs: 2_000,
      removeOnComplete: 'remove',
      removeOnDead: 'remove',
    });
  });

  it("falls back on the queue's retention when the handler sets none", () => {
    const queueDefaults = { ...defaults, attempts: 7, removeOnComplete: 'remove' as const };
    expect(defineSchedule(input, undefined, queueDefaults)).toMatchObject({ maxAttempts: 7, removeOnComplete: 'remove', removeOnDead: null });
  });
});

describe('scheduleInfo', () => {
  const stored = {
    id: 'nightly', name: 'report', queue: 'reports', payload: { a: 1 }, spec: every, priority: 0,
    maxAttempts: 3, backoff: null, timeoutMs: 0, removeOnComplete: null, removeOnDead: null,
  };

  it('shows only the timing fields that are set', () => {
    expect(scheduleInfo({ ...stored, next: 5 })).toEqual({ id: 'nightly', name: 'report', queue: 'reports', payload: { a: 1 }, every: 60_000, priority: 0, attempts: 3, next: 5 });
    const cron: ScheduleSpec = { cron: '0 * * * *', every: null, timezone: 'Europe/Berlin' };
    expect(scheduleInfo({ ...stored, spec: cron, next: 5 })).toEqual({
      id: 'nightly',
      name: 'report',
      queue: 'reports',
      payload: { a: 1 },
      cron: '0 * * * *',
      timezone: 'Europe/Berlin',
      priority: 0,
      attempts: 3,
      next: 5,
    });
    expect(scheduleInfo({ ...stored, priority: 7, next: 5 })).toMatchObject({ priority: 7 });
  });

  it('shows the policy its occurrences are enqueued with, retention in the shape the options took it', () => {
    const policy = {
      maxAttempts: 5,
      backoff: { type: 'fixed' as const, delay: 200 },
      timeoutMs: 1_500,
      removeOnComplete: 'remove' as const,
      removeOnDead: { age: null, count: 10 },
    };
    expect(scheduleInfo({ ...stored, ...policy, next: 5 })).toMatchObject({
      attempts: 5,
      backoff: { type: 'fixed', delay: 200 },
      timeout: 1_500,
      removeOnComplete: true,
      removeOnDead: { count: 10 },
    });
  });
});
