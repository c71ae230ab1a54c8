import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { firstOccurrence, followingOccurrence, type ScheduleSpec } from '../../../lib/policies/schedule-timing.js';

const at = (iso: string) => Date.parse(iso);

describe('firstOccurrence', () => {
  it('is `every` after now for an interval', () => {
    expect(firstOccurrence({ cron: null, every: 500, timezone: null }, 1_000)).toBe(1_500);
  });

  it('is the next cron match strictly after now, in UTC by default', () => {
    const hourly: ScheduleSpec = { cron: '0 * * * *', every: null, timezone: null };
    expect(firstOccurrence(hourly, at('2026-03-01T10:20:00Z'))).toBe(at('2026-03-01T11:00:00Z'));
    expect(firstOccurrence(hourly, at('2026-03-01T11:00:00Z'))).toBe(at('2026-03-01T12:00:00Z'));
  });

  it("is in UTC without a timezone whatever the process's own zone (TZ in a container, a fleet across zones)", () => {
    // Jest's process.env is a copy, so the zone is set on a process of its own, running this very module,
    // bundled by esbuild's command (its JavaScript API keeps a worker thread that holds jest's worker open).
    const root = join(__dirname, '../../..');
    const bundle = execFileSync(join(root, 'node_modules/.bin/esbuild'), [join(root, 'lib/policies/schedule-timing.ts'), '--bundle', '--platform=node', '--format=cjs', '--log-level=error'], { encoding: 'utf8' });
    const probe = `${bundle}
      const timing = module.exports;
      const threeAm = { cron: '0 3 * * *', every: null, timezone: null };
      console.log(JSON.stringify({
        localHourAtUtcMidnight: new Date(Date.parse('2026-12-07T00:00:00Z')).getHours(),
        first: new Date(timing.firstOccurrence(threeAm, Date.parse('2026-12-06T22:00:00Z'))).toISOString(),
        previous: new Date(timing.previousOccurrence(threeAm, Date.parse('2026-12-07T03:00:00Z'))).toISOString(),
      }));`;
    for (const zone of ['Asia/Kolkata', 'America/New_York', 'Asia/Kathmandu']) {
      const seen = JSON.parse(execFileSync(process.execPath, ['-e', probe], { env: { ...process.env, TZ: zone }, encoding: 'utf8' })) as Record<string, unknown>;
      // The process really was in that zone: its local hour at UTC midnight is not 0.
      expect(seen.localHourAtUtcMidnight).not.toBe(0);
      expect({ zone, first: seen.first, previous: seen.previous }).toEqual({ zone, first: '2026-12-07T03:00:00.000Z', previous: '2026-12-06T03:00:00.000Z' });
    }
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
