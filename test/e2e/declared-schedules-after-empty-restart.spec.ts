import { Injectable } from '@nestjs/common';
import { TaskHandler } from '../../lib/index.js';
import { ownRedis, type OwnRedis } from '../fixtures/child-processes.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { CapturingLogger } from '../utils/capturing-logger.js';
import { uniquePrefix } from '../utils/redis.js';
import { waitUntil } from '../utils/wait.js';

// The schedules a handler declares are saved at bootstrap. A Redis restarted
// empty (no persistence, or its data lost) has lost them: the firer sees the
// mark of what Redis holds change and saves them again, however short the
// restart (ioredis reconnects fast and no pass need fail). A stall that lost
// nothing leaves them as the fleet changed them at run time.

let ticks = 0;

@Injectable()
class DeclaredTasks {
  @TaskHandler('declared.tick', { schedule: { every: 200 } })
  tick() {
    ticks++;
  }
}

const LOST =
  'Redis lost its data (restarted with nothing saved, or flushed): the tasks it held are gone (waiting, delayed, running and ' +
  'finished ones); saved the declared schedules again';

describe('declared schedules after Redis restarts empty', () => {
  let redis: OwnRedis;
  let t: TaskApp | undefined;
  const logger = new CapturingLogger();

  beforeAll(async () => {
    redis = await ownRedis(['--appendonly', 'no']);
    await redis.start();
    const connection = { url: redis.url, commandTimeout: 400 };
    t = await startTaskApp(uniquePrefix('declared-restart'), [DeclaredTasks], { connection, worker: { concurrency: 2, leaseMs: 5_000 } });
    t.app.useLogger(logger);
  });
  afterAll(async () => {
    await t?.close();
    await redis?.destroy();
  });

  it('are saved again after an outage, and fire again', async () => {
    await waitUntil(() => ticks >= 2, 'the declared schedule to fire');
    await redis.stop();
    await waitUntil(() => logger.lines.some((l) => l.includes('schedules: firing failed')), 'the firer to meet the outage', 10_000);
    await redis.start();
    await waitUntil(() => logger.lines.some((l) => l.includes(LOST)), 'the declared schedule to be saved again', 15_000);
    expect((await t!.queue.schedules()).map((s) => s.id)).toEqual(['declared.tick']);
    const before = ticks;
    await waitUntil(() => ticks >= before + 2, 'the declared schedule to fire again', 10_000);
  }, 45_000);

  it('are saved again after a restart too quick for any call to fail', async () => {
    const lostBefore = logger.lines.filter((l) => l.includes(LOST)).length;
    const failedBefore = logger.lines.filter((l) => l.includes('firing failed')).length;
    await redis.stop();
    await redis.start();
    await waitUntil(() => logger.lines.filter((l) => l.includes(LOST)).length > lostBefore, 'the declared schedule to be saved again', 15_000);
    expect((await t!.queue.schedules()).map((s) => s.id)).toEqual(['declared.tick']);
    // What it proves: no failed pass was needed (one may still fail, if the restart met a pass on its way).
    expect(logger.lines.filter((l) => l.includes('firing failed')).length - failedBefore).toBeLessThanOrEqual(1);
    const before = ticks;
    await waitUntil(() => ticks >= before + 2, 'the declared schedule to fire again', 10_000);
  }, 45_000);

  it('stay as changed at run time through a stall that lost nothing', async () => {
    await t!.queue.unschedule('declared.tick');
    const lostBefore = logger.lines.filter((l) => l.includes(LOST)).length;
    const resumedBefore = logger.lines.filter((l) => l.includes('schedules: firing resumed')).length;
    // Longer than commandTimeout: a pass fails, then firing resumes.
    redis.freeze();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    redis.thaw();
    await waitUntil(() => logger.lines.filter((l) => l.includes('schedules: firing resumed')).length > resumedBefore, 'the firer to resume', 15_000);
    // A few passes after it.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await t!.queue.schedules()).toEqual([]);
    expect(logger.lines.filter((l) => l.includes(LOST)).length).toBe(lostBefore);
  }, 45_000);
});
