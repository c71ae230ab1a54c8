import { Injectable } from '@nestjs/common';
import { InvalidTaskOptionsError, TaskHandler } from '../../lib/index.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { BUILD_TIMEOUT_MS, ensureBuilt } from '../fixtures/built-package.js';
import { runCli } from '../fixtures/cli-process.js';
import { REDIS_URL, inspector, keysOf, removePrefix, uniquePrefix } from '../utils/redis.js';
import { waitUntil } from '../utils/wait.js';

// What each occurrence of a schedule is enqueued with: a priority (TaskQueue.schedule and a
// handler's declared schedule), and schedule()'s own policy and retention over the handler's,
// checked as an enqueue's options are, with nothing written when refused.

let failuresLeft = 0;

@Injectable()
class ReportTasks {
  @TaskHandler('report.build', { queue: 'reports', attempts: 1, schedule: { every: 3_600_000, priority: 2 } })
  build() {
    if (failuresLeft > 0) {
      failuresLeft -= 1;
      throw new Error('not yet');
    }
    return 'built';
  }
}

@Injectable()
class BadPriorityTasks {
  @TaskHandler('bad.priority', { schedule: { every: 60_000, priority: 1.5 } })
  run() {}
}

describe('schedules: what occurrences are enqueued with', () => {
  const prefix = uniquePrefix('sched-occ');
  let app: TaskApp;

  beforeAll(async () => {
    await ensureBuilt();
    app = await startTaskApp(prefix, [ReportTasks]);
  }, BUILD_TIMEOUT_MS);
  afterAll(async () => {
    await app.close();
    await removePrefix(prefix);
  });

  it("lists a declared schedule's priority", async () => {
    const declared = (await app.queue.schedules()).find((s) => s.id === 'report.build');
    // Its occurrences' policy is the handler's (attempts 1), the rest the module's defaults.
    expect(declared).toMatchObject({ queue: 'reports', every: 3_600_000, priority: 2, attempts: 1 });
    expect(declared).not.toHaveProperty('removeOnComplete');
  });

  it("enqueues each occurrence with schedule()'s priority, attempts, backoff and retention over the handler's", async () => {
    failuresLeft = 1;
    const info = await app.queue.schedule('urgent', 'report.build', { n: 1 }, {
      every: 200, priority: 9, attempts: 3, backoff: { type: 'fixed', delay: 10 }, removeOnComplete: false,
    });
    expect(info).toMatchObject({ id: 'urgent', queue: 'reports', every: 200, priority: 9 });
    // Read back as given: the policy each occurrence gets, in the options' own shape.
    expect((await app.queue.schedules()).find((s) => s.id === 'urgent')).toMatchObject({
      attempts: 3,
      backoff: { type: 'fixed', delay: 10 },
      removeOnComplete: false,
    });
    // The CLI's schedules table names a priority beside the timing (a schedule of priority 0 shows none).
    const table = await runCli(['schedules', '--prefix', prefix], { REDIS_URL });
    expect(table.stdout).toMatch(/^urgent\s+reports\s+report\.build\s+every 200 ms, priority 9\s/m);
    expect(table.stdout).toMatch(/^report\.build\s+reports\s+report\.build\s+every 3600000 ms, priority 2\s/m);
    // The handler allows one attempt; the schedule's three let the first occurrence fail once and complete.
    let first: string | undefined;
    await waitUntil(async () => {
      first = (await app.queue.list('completed', { queue: 'reports' })).find((t) => t.id.startsWith('urgent@'))?.id;
      return first !== undefined;
    }, 'an occurrence of the schedule to complete');
    expect(await app.queue.unschedule('urgent')).toBe(true);
    expect(await app.queue.get(first!, { queue: 'reports' })).toMatchObject({ priority: 9, maxAttempts: 3, attempts: 2, result: 'built' });
    expect(await app.queue.history(first!, { queue: 'reports' })).toMatchObject([{ outcome: 'failed' }, { outcome: 'completed' }]);
  });

  it.each([
    [{ every: 1_000, priority: 1.5 }, "schedule('bad'): options.priority must be an integer from -1000000 to 1000000, got 1.5"],
    [{ every: 1_000, attempts: 0 }, "schedule('bad'): options.attempts must be an integer >= 1, got 0"],
    [{ every: 1_000, removeOnDead: 'yes' }, "schedule('bad'): options.removeOnDead must be true, false or { age?, count? }, got \"yes\""],
    [
      { every: 1_000, delay: 5 },
      "schedule('bad'): unknown option 'options.delay' (known: cron, every, timezone, queue, priority, attempts, backoff, timeout, removeOnComplete, removeOnDead)",
    ],
  ])('refuses schedule() options %p, naming what was wrong, and writes nothing', async (options, message) => {
    const before = await app.queue.schedules();
    const call = app.queue.schedule('bad', 'report.build', null, options as never);
    await expect(call).rejects.toBeInstanceOf(InvalidTaskOptionsError);
    await expect(call).rejects.toThrow(message);
    expect(await app.queue.schedules()).toEqual(before);
  });

  it('fails bootstrap on a declared schedule with a bad priority, before anything reaches Redis', async () => {
    const other = uniquePrefix('sched-occ-bad');
    const failed = startTaskApp(other, [BadPriorityTasks]);
    await expect(failed).rejects.toBeInstanceOf(InvalidTaskOptionsError);
    await expect(failed).rejects.toThrow('@TaskHandler on BadPriorityTasks.run: schedule.priority must be an integer from -1000000 to 1000000, got 1.5');
    const redis = inspector();
    try {
      expect(await keysOf(redis, other)).toEqual([]);
    } finally {
      await redis.quit();
    }
  });
});
