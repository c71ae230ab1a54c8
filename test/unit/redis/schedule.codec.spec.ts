import { occurrenceId } from '../../../lib/redis/protocol.js';
import { decodeSchedule } from '../../../lib/redis/schedule.codec.js';

describe('occurrenceId', () => {
  it('is the schedule id and the due time, so every instance names an occurrence alike', () => {
    expect(occurrenceId('nightly', 1_767_225_600_000)).toBe('nightly@1767225600000');
  });
});

describe('decodeSchedule', () => {
  const hash = { n: 'report', d: '{"a":1}', cr: '', ev: '60000', tz: '', m: '3', b: 'e,1000', to: '0', rc: '', rd: '', nx: '1000', v: '2' };

  it('reads what upsert-schedule.lua stores', () => {
    expect(decodeSchedule('reports', 'nightly', hash)).toEqual({
      id: 'nightly',
      name: 'report',
      queue: 'reports',
      payload: { a: 1 },
      spec: { cron: null, every: 60_000, timezone: null },
      // Saved by 0.1.0: no priority field.
      priority: 0,
      maxAttempts: 3,
      backoff: { type: 'exponential', delay: 1000 },
      timeoutMs: 0,
      removeOnComplete: null,
      removeOnDead: null,
      next: 1_000,
      revision: '2',
    });
    expect(decodeSchedule('reports', 'nightly', { ...hash, cr: '0 * * * *', ev: '', tz: 'UTC' })?.spec).toEqual({ cron: '0 * * * *', every: null, timezone: 'UTC' });
    expect(decodeSchedule('reports', 'nightly', { ...hash, p: '' })?.priority).toBe(0);
    expect(decodeSchedule('reports', 'nightly', { ...hash, p: '-5' })?.priority).toBe(-5);
    expect(decodeSchedule('reports', 'nightly', { ...hash, rc: '1', rd: '60000,-1' })).toMatchObject({
      removeOnComplete: 'remove',
      removeOnDead: { age: 60_000, count: null },
    });
  });

  it('is null for a missing or foreign hash', () => {
    expect(decodeSchedule('reports', 'nightly', {})).toBeNull();
    expect(decodeSchedule('reports', 'nightly', { ...hash, nx: 'soon' })).toBeNull();
    expect(decodeSchedule('reports', 'nightly', { ...hash, ev: '' })).toBeNull();
    expect(decodeSchedule('reports', 'nightly', { ...hash, d: 'not json' })).toBeNull();
  });
});
