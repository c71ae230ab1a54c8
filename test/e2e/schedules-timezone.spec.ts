import { Injectable } from '@nestjs/common';
import { InvalidTaskOptionsError, TaskContext, TaskHandler } from '../../lib/index.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';
import { waitUntil } from '../utils/wait.js';

// A cron schedule is read in its timezone (default UTC); an unknown timezone is
// refused at bootstrap for @TaskHandler and at call time for schedule().

/** Hour and minute of an instant on the wall clock of `timeZone`. */
function wallClock(epochMs: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(epochMs);
}

const runs: string[] = [];

@Injectable()
class MorningTasks {
  @TaskHandler('morning.brief', { schedule: { cron: '0 9 * * *', timezone: 'America/New_York' } })
  brief() {}

  @TaskHandler('pulse')
  pulse(_payload: unknown, task: TaskContext) {
    runs.push(task.id);
  }
}

@Injectable()
class MarsTasks {
  @TaskHandler('mars.report', { schedule: { cron: '0 9 * * *', timezone: 'Mars/Olympus_Mons' } })
  report() {}
}

describe('schedules: timezones', () => {
  const prefix = uniquePrefix('sched-tz');
  let t: TaskApp;

  beforeAll(async () => {
    t = await startTaskApp(prefix, [MorningTasks]);
  });
  afterAll(async () => {
    await t.close();
    await removePrefix(prefix);
  });

  it('reads a declared cron in its timezone', async () => {
    const brief = (await t.queue.schedules()).find((s) => s.id === 'morning.brief')!;
    expect(brief).toMatchObject({ id: 'morning.brief', cron: '0 9 * * *', timezone: 'America/New_York' });
    expect(wallClock(brief.next, 'America/New_York')).toBe('09:00');
    expect(brief.next).toBeGreaterThan(Date.now() - 5_000);
  });

  it('reads a runtime cron in its timezone, and in UTC without one', async () => {
    const kolkata = await t.queue.schedule('tea', 'pulse', null, { cron: '30 14 * * *', timezone: 'Asia/Kolkata' });
    expect(kolkata.timezone).toBe('Asia/Kolkata');
    expect(wallClock(kolkata.next, 'Asia/Kolkata')).toBe('14:30');
    expect(wallClock(kolkata.next, 'UTC')).toBe('09:00');
    const utc = await t.queue.schedule('tea-utc', 'pulse', null, { cron: '30 14 * * *' });
    expect(utc.timezone).toBeUndefined();
    expect(wallClock(utc.next, 'UTC')).toBe('14:30');
  });

  it('fires a seconds cron given with a timezone', async () => {
    await t.queue.schedule('pulse-berlin', 'pulse', null, { cron: '* * * * * *', timezone: 'Europe/Berlin' });
    await waitUntil(() => runs.length >= 2, 'two occurrences', 5_000);
    for (const id of runs) expect(Number(id.split('@')[1]) % 1_000).toBe(0);
    await t.queue.unschedule('pulse-berlin');
  });

  it('refuses an unknown timezone at schedule() and stores nothing', async () => {
    const before = await t.queue.schedules();
    await expect(t.queue.schedule('bad', 'pulse', null, { cron: '0 9 * * *', timezone: 'Mars/Olympus_Mons' })).rejects.toThrow(
      new InvalidTaskOptionsError("schedule('bad'): unknown timezone 'Mars/Olympus_Mons' (expected an IANA name such as 'Europe/Berlin')"),
    );
    await expect(t.queue.schedule('bad', 'pulse', null, { every: 1_000, timezone: 'UTC' })).rejects.toThrow(/timezone applies to cron schedules only/);
    expect(await t.queue.schedules()).toEqual(before);
  });

  it('refuses an unknown timezone of a @TaskHandler schedule at bootstrap, naming the handler', async () => {
    const failed = startTaskApp(prefix, [MarsTasks]);
    await expect(failed).rejects.toBeInstanceOf(InvalidTaskOptionsError);
    await expect(failed).rejects.toThrow("@TaskHandler on MarsTasks.report: unknown timezone 'Mars/Olympus_Mons'");
  });
});
