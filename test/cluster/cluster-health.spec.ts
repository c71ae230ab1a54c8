import { TerminusModule } from '@nestjs/terminus';
import { Test } from '@nestjs/testing';
import { TaskModule } from '../../lib/index.js';
import { TaskHealthIndicator } from '../../lib/terminus/index.js';
import { TEST_CONNECTION, uniquePrefix } from '../utils/redis.js';
import { clusterNodes, nodeClient } from './cluster-admin.js';

// On a Cluster the health check reads INFO memory from every master and
// judges the fullest, naming it: one master near its maxmemory refuses the
// writes of the queues whose slots it serves.

describe('Redis Cluster: the health check and memory', () => {
  it('names the fullest master and judges it with maxMemoryPercent', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [TaskModule.forRoot({ connection: TEST_CONNECTION, prefix: uniquePrefix('cluster-health'), worker: false }), TerminusModule],
      providers: [TaskHealthIndicator],
    }).compile();
    moduleRef.useLogger(false);
    const app = await moduleRef.init();
    const masters = (await clusterNodes()).filter((node) => node.master);
    const admin = nodeClient(masters[1].port);
    try {
      const used = Number(/^used_memory:(\d+)/m.exec(await admin.info('memory'))![1]);
      await admin.config('SET', 'maxmemory', String(used * 2));
      const result = await app.get(TaskHealthIndicator).isHealthy('tasks', { maxMemoryPercent: 40 });
      expect(result.tasks).toMatchObject({
        status: 'down',
        redis: { reachable: true, maxMemoryBytes: used * 2 },
        problems: [expect.stringMatching(new RegExp(`^Redis at 127\\.0\\.0\\.1:${masters[1].port} uses (4[5-9]|5[0-5])% of its maxmemory`))],
      });
      expect((await app.get(TaskHealthIndicator).isHealthy('tasks', { maxMemoryPercent: 60 })).tasks.status).toBe('up');
    } finally {
      await admin.config('SET', 'maxmemory', '0');
      admin.disconnect();
      await app.close();
    }
  });
});
