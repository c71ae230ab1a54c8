import { InvalidTaskOptionsError } from '../../../lib/errors/invalid-task-options.error.js';
import { checkScheduleSpec, firstOccurrence, followingOccurrence, type ScheduleSpec } from '../../../lib/policies/schedule-timing.js';

const at = (iso: string) => Date.parse(iso);
const check = (value: unknown, other: string[] = []) => checkScheduleSpec(value, 'here', 'schedule', other, at('2026-03-01T00:00:00Z'));

describe('checkScheduleSpec', () => {
  it('accepts a 5-field cron, a 6-field cron with seconds, a nickname, a timezone, or an every', () => {
    expect(check({ cron: '0 * * * *' })).toEqual({ cron: '0 * * * *', every: null, timezone: null });
    expect(check({ cron: ' */5 * * * * * ' })).toEqual({ cron: '*/5 * * * * *', every: null, timezone: null });
    expect(check({ cron: '@hourly' }).cron).toBe('@hourly');
    expect(check({ cron: '0 9 * * 1-5', timezone: 'Europe/Berlin' })).toEqual({ cron: '0 9 * * 1-5', every: null, timezone: 'Europe/Berlin' });
    expect(check({ every: 60_000 })).toEqual({ cron: null, every: 60_000, timezone: null });
  });

  it.each([
    [null, 'here: schedule must be an object { cron, timezone? } or { every }'],
    ['0 * * * *', 'here: schedule must be an object { cron, timezone? } or { every }'],
    [{}, 'here: schedule needs exactly one of cron and every'],
    [{ cron: '* * * * *', every: 1_000 }, 'here: schedule needs exactly one of cron and every'],
    [{ every: 99 }, 'here: schedule.every must be an integer >= 100, got 99'],
    [{ every: 1_000.5 }, 'here: schedule.every must be an integer >= 100, got 1000.5'],
    [{ every: 1_000, timezone: 'UTC' }, 'here: timezone applies to cron schedules only, not to every'],
    [{ cron: 42 }, 'here: cron must be a non-empty cron expression string, got 42'],
    [{ cron: '61 * * * *' }, "here: invalid cron expression '61 * * * *' (Invalid value for minute: 61)"],
    [{ cron: '0 0 30 2 *' }, "here: cron expression '0 0 30 2 *' has no future occurrence"],
    [{ cron: '* * * * *', timezone: 'Nowhere/City' }, "here: unknown timezone 'Nowhere/City' (expected an IANA name such as 'Europe/Berlin')"],
    [{ cron: '* * * * *', timezone: '' }, `here: timezone must be an IANA timezone name such as 'Europe/Berlin', got ""`],
    [{ cron: '* * * * *', queue: 'x' }, "here: unknown option 'schedule.queue' (known: cron, every, timezone)"],
  ])('rejects %p', (value, message) => {
    expect(() => check(value)).toThrow(new InvalidTaskOptionsError(message));
  });

  it('rejects a 7-field cron (years are not supported)', () => {
    expect(() => check({ cron: '0 0 0 1 1 * 2030' })).toThrow(/invalid cron expression .*exactly 5 or 6 parts/);
  });

  it('allows the keys the caller names', () => {
    expect(check({ every: 1_000, payload: { a: 1 } }, ['payload']).every).toBe(1_000);
  });
});

describe('firstOccurrence', () => {
  it('is `every` after now for an interval', () => {
    expect(firstOccurrence({ cron: null, every: 500, timezone: null }, 1_000)).toBe(1_500);
  });

  it('is the next cron match strictly after now, in UTC by default', () => {
    const hourly: ScheduleSpec = { cron: '0 * * * *', every: null, timezone: null };
    expect(firstOccurrence(hourly, at('2026-03-01T10:20:00Z'))).toBe(at('2026-03-01T11:00:00Z'));
    expect(firstOccurrence(hourly, at('2026-03-01T11:00:00Z'))).toBe(at('2026-03-01T12:00:00Z'));
  });

  it('reads the cron in its timezone, across a daylight saving change', () => {
    const nineInNewYork: ScheduleSpec = { cron: '0 9 * * *', every: null, timezone: 'America/New_York' };
    expect(firstOccurrence(nineInNewYork, at('2026-03-07T20:00:00Z'))).toBe(at('2026-03-08T13:00:00Z')); // EDT from 8 March
    expect(firstOccurrence(nineInNewYork, at('2026-03-06T20:00:00Z'))).toBe(at('2026-03-07T14:00:00Z')); // EST before
  });
});

describe('followingOccurrence', () => {
  const every: ScheduleSpec = { cron: null, every: 1_000, timezone: null };

  it('is the next grid point for an occurrence fired on time', () => {
    expect(followingOccurrence(every, 10_000, 10_000)).toBe(11_000);
    expect(followingOccurrence(every, 10_000, 10_999)).toBe(11_000);
  });

  it('skips the grid points missed while late, landing after now (one catch-up, no burst)', () => {
    expect(followingOccurrence(every, 10_000, 11_000)).toBe(12_000);
    expect(followingOccurrence(every, 10_000, 15_500)).toBe(16_000);
    expect(followingOccurrence(every, 10_000, 10_000 + 86_400_000)).toBe(10_000 + 86_401_000);
  });

  it('is one period on when fired early', () => {
    expect(followingOccurrence(every, 10_000, 9_000)).toBe(11_000);
  });

  it('is the first cron match after the later of due and now', () => {
    const everyTwoSeconds: ScheduleSpec = { cron: '*/2 * * * * *', every: null, timezone: null };
    const due = at('2026-03-01T10:00:00Z');
    expect(followingOccurrence(everyTwoSeconds, due, due + 5)).toBe(due + 2_000);
    expect(followingOccurrence(everyTwoSeconds, due, due + 60_500)).toBe(due + 62_000);
    expect(followingOccurrence(everyTwoSeconds, due, due - 10_000)).toBe(due + 2_000);
  });
});
