import { Injectable } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { Redis } from 'ioredis';
import { TaskHandler, TaskModule, TaskQueue } from '../../lib/index.js';
import { ownRedis, type OwnRedis } from '../fixtures/child-processes.js';
import { commandCalls } from '../utils/redis.js';
import { waitUntil } from '../utils/wait.js';

// The firer's pass reads each schedule queue's due index, and the prefix-wide
// directory of schedules only when its revision token changed. With thousands
// of schedules, reading the whole directory on every pass (several a second)
// cost more than the firing. A change made by another instance still reaches
// this one at its next pass.

@Injectable()
class Ticks {
  readonly seen = new Map<string, number>();

  @TaskHandler('dir.tick')
  tick(payload: { from: string }) {
    this.seen.set(payload.from, (this.seen.get(payload.from) ?? 0) + 1);
  }

  @TaskHandler('dir.late', { queue: 'late' })
  late(payload: { from: string }) {
    this.tick(payload);
  }
}

describe('the schedule firer', () => {
  let server: OwnRedis;
  const apps: TestingModule[] = [];

  const boot = async (worker: boolean) => {
    const app = await Test.createTestingModule({
      imports: [TaskModule.forRoot({ connection: server.url, prefix: 'dir', worker: worker && { concurrency: 4, leaseMs: 5_000 } })],
      providers: worker ? [Ticks] : [],
    }).compile();
    apps.push(app);
    await app.init();
    return app;
  };

  beforeAll(async () => {
    server = await ownRedis(['--appendonly', 'no']);
    await server.start();
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await server?.destroy();
  });

  it('reads the directory only after it changed, and sees a change made elsewhere at its next pass', async () => {
    const firing = await boot(true);
    const queue = firing.get(TaskQueue);
    const ticks = firing.get(Ticks);
    // Many schedules not due soon, and one every 100 ms, which makes a pass about every 100 ms.
    for (let i = 0; i < 200; i++) await queue.schedule(`idle-${i}`, 'dir.tick', { from: 'idle' }, { every: 3_600_000, queue: `q${i % 5}` });
    await queue.schedule('fast', 'dir.tick', { from: 'fast' }, { every: 100 });
    await waitUntil(() => (ticks.seen.get('fast') ?? 0) >= 3, 'the fast schedule to fire');

    const admin = new Redis(server.url);
    try {
      const before = await commandCalls(admin);
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      const after = await commandCalls(admin);
      const delta = (command: string) => (after[command] ?? 0) - (before[command] ?? 0);
      // Passes ran (each reads every schedule queue's due index twice, and the directory's token)...
      expect(delta('zrangebyscore')).toBeGreaterThanOrEqual(6 * 2 * 10);
      expect(delta('get')).toBeGreaterThanOrEqual(10);
      // ...but none read the directory, which did not change: untouched for seconds (OBJECT IDLETIME, in
      // whole seconds, does not touch it), where the token was read within the last one.
      expect(Number(await admin.object('IDLETIME', '{dir:}:schedules'))).toBeGreaterThanOrEqual(2);
      expect(Number(await admin.object('IDLETIME', '{dir:}:schedules-rev'))).toBeLessThanOrEqual(1);
    } finally {
      admin.disconnect();
    }

    // Another instance (no worker, so no firer of its own) adds a schedule on a new queue and removes one.
    const other = (await boot(false)).get(TaskQueue);
    await other.schedule('elsewhere', 'dir.late', { from: 'elsewhere' }, { every: 100, queue: 'late' });
    await waitUntil(() => (ticks.seen.get('elsewhere') ?? 0) >= 1, 'the schedule made elsewhere to fire', 5_000);
    expect(await other.unschedule('fast')).toBe(true);
    // Give a pass that was under way time to end, then the removed schedule fires no more.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const fastAfterRemoval = ticks.seen.get('fast');
    const elsewhereBefore = ticks.seen.get('elsewhere') ?? 0;
    await waitUntil(() => (ticks.seen.get('elsewhere') ?? 0) >= elsewhereBefore + 3, 'the other schedule to go on firing', 5_000);
    expect(ticks.seen.get('fast')).toBe(fastAfterRemoval);
  });
});
