import { decodeSchedule, defineSchedule, occurrenceId, scheduleInfo } from '../../../lib/scheduling/schedule-definition.js';
import type { ScheduleSpec } from '../../../lib/policies/schedule-timing.js';

const defaults = { attempts: 3, backoff: { type: 'exponential' as const, delay: 1_000 }, timeout: 0 };
const every: ScheduleSpec = { cron: null, every: 60_000, timezone: null };
const input = { id: 'nightly', name: 'report', queue: 'reports', payloadJson: '{"a":1}', spec: every };

describe('defineSchedule', () => {
  it('gives occurrences the module defaults when the app has no handler for the task', () => {
    expect(defineSchedule(input, undefined, defaults, 'w')).toEqual({
      ...input,
      maxAttempts: 3,
      backoff: 'e,1000',
      timeoutMs: 0,
      removeOnComplete: '',
      removeOnDead: '',
    });
  });

  it("takes the handler's policy and retention over the defaults", () => {
    const handler = { attempts: 5, backoff: { type: 'fixed' as const, delay: 10 }, timeout: 2_000, removeOnComplete: true, removeOnDead: { age: 60_000 } };
    expect(defineSchedule(input, handler, defaults, 'w')).toMatchObject({
      maxAttempts: 5,
      backoff: 'f,10',
      timeoutMs: 2_000,
      removeOnComplete: '1',
      removeOnDead: '60000,-1',
    });
  });
});

describe('scheduleInfo', () => {
  it('shows only the timing fields that are set', () => {
    expect(scheduleInfo({ ...input, next: 5 })).toEqual({ id: 'nightly', name: 'report', queue: 'reports', payload: { a: 1 }, every: 60_000, next: 5 });
    const cron: ScheduleSpec = { cron: '0 * * * *', every: null, timezone: 'Europe/Berlin' };
    expect(scheduleInfo({ ...input, spec: cron, next: 5 })).toEqual({
      id: 'nightly',
      name: 'report',
      queue: 'reports',
      payload: { a: 1 },
      cron: '0 * * * *',
      timezone: 'Europe/Berlin',
      next: 5,
    });
  });
});

describe('occurrenceId', () => {
  it('is the schedule id and the due time, so every instance names an occurrence alike', () => {
    expect(occurrenceId('nightly', 1_767_225_600_000)).toBe('nightly@1767225600000');
  });
});

describe('decodeSchedule', () => {
  const hash = { n: 'report', d: '{"a":1}', cr: '', ev: '60000', tz: '', m: '3', b: 'e,1000', to: '0', rc: '', rd: '', nx: '1000', v: '2' };

  it('reads what upsert-schedule.lua stores', () => {
    expect(decodeSchedule('reports', 'nightly', hash)).toEqual({
      ...input,
      maxAttempts: 3,
      backoff: 'e,1000',
      timeoutMs: 0,
      removeOnComplete: '',
      removeOnDead: '',
      next: 1_000,
      revision: '2',
    });
    expect(decodeSchedule('reports', 'nightly', { ...hash, cr: '0 * * * *', ev: '', tz: 'UTC' })?.spec).toEqual({ cron: '0 * * * *', every: null, timezone: 'UTC' });
  });

  it('is null for a missing or foreign hash', () => {
    expect(decodeSchedule('reports', 'nightly', {})).toBeNull();
    expect(decodeSchedule('reports', 'nightly', { ...hash, nx: 'soon' })).toBeNull();
    expect(decodeSchedule('reports', 'nightly', { ...hash, ev: '' })).toBeNull();
  });
});
