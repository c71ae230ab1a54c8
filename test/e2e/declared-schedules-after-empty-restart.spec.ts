import { Injectable } from '@nestjs/common';
import { TaskHandler } from '../../lib/index.js';
import { ownRedis, type OwnRedis } from '../fixtures/child-processes.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { CapturingLogger } from '../utils/capturing-logger.js';
import { uniquePrefix } from '../utils/redis.js';
import { waitUntil } from '../utils/wait.js';

// The schedules a handler declares are saved at bootstrap. A Redis restarted
// empty (no persistence, or its data lost) had lost them, and they stayed lost
// until the app restarted, while the log said firing resumed: they are saved
// again when firing resumes after the outage.

let ticks = 0;

@Injectable()
class DeclaredTasks {
  @TaskHandler('declared.tick', { schedule: { every: 200 } })
  tick() {
    ticks++;
  }
}

describe('declared schedules after Redis restarts empty', () => {
  let redis: OwnRedis;
  let t: TaskApp | undefined;
  const logger = new CapturingLogger();

  beforeAll(async () => {
    redis = await ownRedis(['--appendonly', 'no']);
    await redis.start();
    t = await startTaskApp(uniquePrefix('declared-restart'), [DeclaredTasks], { connection: redis.url, worker: { concurrency: 2, leaseMs: 5_000 } });
    t.app.useLogger(logger);
  });
  afterAll(async () => {
    await t?.close();
    await redis?.destroy();
  });

  it('are saved again once firing resumes, and fire again', async () => {
    await waitUntil(() => ticks >= 2, 'the declared schedule to fire');
    await redis.stop();
    await waitUntil(() => logger.lines.some((l) => l.includes('schedules: firing failed')), 'the firer to meet the outage', 10_000);
    await redis.start();
    await waitUntil(() => logger.lines.some((l) => l.includes('schedules: firing resumed')), 'the firer to resume', 15_000);
    await waitUntil(async () => (await t!.queue.schedules()).some((s) => s.id === 'declared.tick'), 'the declared schedule to be saved again', 5_000);
    const before = ticks;
    await waitUntil(() => ticks >= before + 2, 'the declared schedule to fire again', 10_000);
  }, 45_000);
});
