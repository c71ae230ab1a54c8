import { InvalidTaskOptionsError } from '../../../lib/errors/invalid-task-options.error.js';
import { checkScheduleSpec } from '../../../lib/config/schedule-spec.checks.js';

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
    [null, 'here: schedule must be an object { cron, timezone? } or { every }, got null'],
    ['0 * * * *', 'here: schedule must be an object { cron, timezone? } or { every }, got "0 * * * *"'],
    [new Map(), 'here: schedule must be an object { cron, timezone? } or { every }, got a Map'],
    [{}, 'here: schedule needs exactly one of cron and every'],
    [{ cron: '* * * * *', every: 1_000 }, 'here: schedule needs exactly one of cron and every'],
    [{ every: 99 }, 'here: schedule.every must be an integer from 100 to 315360000000 (ms), got 99'],
    [{ every: 1_000.5 }, 'here: schedule.every must be an integer from 100 to 315360000000 (ms), got 1000.5'],
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
    // The field count in the expression's own terms, whether too many or too few.
    expect(() => check({ cron: '0 0 0 1 1 * 2030' })).toThrow(/invalid cron expression '0 0 0 1 1 \* 2030' \(it has 7 fields; a cron expression has 5: minute hour day-of-month month day-of-week, or 6 with seconds first/);
    expect(() => check({ cron: '0 0 * *' })).toThrow(/invalid cron expression '0 0 \* \*' \(it has 4 fields; a cron expression has 5/);
  });

  it('allows the keys the caller names', () => {
    expect(check({ every: 1_000, payload: { a: 1 } }, ['payload']).every).toBe(1_000);
  });
});
