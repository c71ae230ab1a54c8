import { Injectable } from '@nestjs/common';
import { TaskContext, TaskHandler } from '../../lib/index.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { inspector, removePrefix, uniquePrefix } from '../utils/redis.js';
import { sleep, waitUntil } from '../utils/wait.js';

// Occurrences missed while every instance was down are not replayed in a
// burst: the first instance back runs one catch-up (the occurrence that was
// due when the fleet stopped) and then continues from the first occurrence
// after now. The restarted app upserts the same @TaskHandler schedule, which
// keeps its stored due time.

const PERIOD = 300;
const runs: Array<{ at: number }> = [];

@Injectable()
class DigestTasks {
  @TaskHandler('digest', { schedule: { every: PERIOD } })
  digest(_payload: unknown, task: TaskContext) {
    runs.push({ at: Number(task.id.split('@')[1]) });
  }
}

describe('schedules: missed occurrences', () => {
  const prefix = uniquePrefix('sched-catchup');
  const redis = inspector();
  let apps: TaskApp[] = [];

  /** Redis' clock, in epoch ms. */
  async function redisNow(): Promise<number> {
    const [s, us] = await redis.time();
    return Number(s) * 1000 + Math.floor(Number(us) / 1000);
  }

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await redis.quit();
    await removePrefix(prefix);
  });

  it('runs one catch-up for the time everything was down, then follows the schedule from now', async () => {
    apps = [await startTaskApp(prefix, [DigestTasks]), await startTaskApp(prefix, [DigestTasks])];
    await waitUntil(() => runs.length >= 3, 'three occurrences', 5_000);
    await Promise.all(apps.map((app) => app.close()));
    apps = [];

    const dueAtStop = Number(await redis.hget(`{${prefix}:default}:s:digest`, 'nx'));
    expect(dueAtStop).toBeGreaterThan(runs[runs.length - 1].at);
    await sleep(8 * PERIOD);
    const restartAt = await redisNow();
    expect(restartAt - dueAtStop).toBeGreaterThan(5 * PERIOD); // five or more occurrences missed

    const runsBefore = runs.length;
    apps = [await startTaskApp(prefix, [DigestTasks])];
    await waitUntil(() => runs.length >= runsBefore + 4, 'the catch-up and three more occurrences', 5_000);
    const after = runs.slice(runsBefore).map((r) => r.at);

    // Exactly one occurrence of the down time ran: the one due when the fleet stopped,
    // enqueued by the restarted app.
    expect(after.filter((at) => at <= restartAt)).toEqual([dueAtStop]);
    expect(after[0]).toBe(dueAtStop);
    const caughtUpAt = (await apps[0].queue.get(`digest@${dueAtStop}`))!.enqueuedAt;
    expect(caughtUpAt).toBeGreaterThanOrEqual(restartAt);
    // Then the grid continues from the first occurrence after the moment the firer read
    // the clock, skipping the missed ones. That read lies between restartAt and the
    // catch-up's enqueue (the script's own clock, a little later on a busy machine).
    expect(after[1]).toBeGreaterThan(restartAt);
    expect(after[1] - caughtUpAt).toBeLessThanOrEqual(PERIOD);
    for (const at of after) expect((at - dueAtStop) % PERIOD).toBe(0);
    for (let i = 2; i < after.length; i++) expect(after[i]).toBeGreaterThan(after[i - 1]);
  });
});
