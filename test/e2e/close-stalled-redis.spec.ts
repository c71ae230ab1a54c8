import { Injectable } from '@nestjs/common';
import { TaskHandler } from '../../lib/index.js';
import { ownRedis, type OwnRedis } from '../fixtures/child-processes.js';
import { startTaskApp } from '../fixtures/task-app.js';
import { uniquePrefix } from '../utils/redis.js';

// A Redis that keeps its connections but stops answering (SIGSTOP here; a
// host swapping, a long script) must not hold app.close() of a worker app
// forever when no commandTimeout bounds each call: the worker's drain and the
// heartbeat's removal of its record waited for replies without end.

@Injectable()
class IdleTasks {
  @TaskHandler('stalled.idle')
  idle() {}
}

describe('closing a worker app while Redis is stalled', () => {
  let redis: OwnRedis;
  beforeAll(async () => {
    redis = await ownRedis(['--appendonly', 'no']);
    await redis.start();
  });
  afterAll(async () => {
    redis?.thaw();
    await redis?.destroy();
  });

  it('finishes within the grace period and a few seconds', async () => {
    const t = await startTaskApp(uniquePrefix('close-stalled'), [IdleTasks], {
      connection: redis.url,
      worker: { concurrency: 2, leaseMs: 3_000, shutdownGraceMs: 1_000 },
    });
    redis.freeze();
    const startedAt = Date.now();
    const closed = await Promise.race([
      t.close().then(() => 'closed'),
      new Promise((resolve) => setTimeout(resolve, 20_000, 'still closing after 20 s')),
    ]);
    expect(closed).toBe('closed');
    expect(Date.now() - startedAt).toBeLessThan(20_000);
  }, 30_000);
});
