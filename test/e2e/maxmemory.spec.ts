import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Redis } from 'ioredis';
import { TaskHandler, TaskModule, TaskQueue, TaskStoreError, type TaskContext, type TaskModuleOptions } from '../../lib/index.js';
import { ownRedis, type OwnRedis } from '../fixtures/child-processes.js';
import { CapturingLogger } from '../utils/capturing-logger.js';
import { uniquePrefix } from '../utils/redis.js';
import { waitUntil } from '../utils/wait.js';

// A Redis with maxmemory of its own. With an eviction policy, Redis may drop
// task records and payloads independently once full: bootstrap warns once,
// naming the policy. With noeviction, a full Redis refuses enqueue: the
// caller gets a TaskStoreError saying it is out of memory, and nothing is
// half-written. A least-privilege user missing a command gets one naming it.

@Injectable()
class IdleTasks {
  @TaskHandler('mm.work')
  work() {}
}

@Injectable()
class LongTasks {
  readonly starts: string[] = [];

  @TaskHandler('mm.long', { attempts: 3 })
  async long(_payload: unknown, task: TaskContext) {
    this.starts.push(`${task.id}#${task.attempt}`);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
  }
}

async function boot(url: string, logger: CapturingLogger, options: Partial<TaskModuleOptions> = {}) {
  const moduleRef = await Test.createTestingModule({
    imports: [TaskModule.forRoot({ connection: url, prefix: uniquePrefix('mm'), ...options })],
    providers: [IdleTasks, LongTasks],
  }).compile();
  moduleRef.useLogger(logger);
  return moduleRef.init();
}

describe('a Redis with maxmemory', () => {
  let server: OwnRedis;
  let admin: Redis;

  beforeAll(async () => {
    server = await ownRedis(['--maxmemory', '4mb', '--maxmemory-policy', 'allkeys-lru', '--appendonly', 'no']);
    await server.start();
    admin = new Redis(server.url);
  });
  afterAll(async () => {
    admin?.disconnect();
    await server?.destroy();
  });

  it('warns once at bootstrap about an eviction policy, naming it and what it does to tasks', async () => {
    const logger = new CapturingLogger();
    const app = await boot(server.url, logger);
    await app.close();
    const warnings = logger.lines.filter((l) => l.startsWith('warn') && l.includes('maxmemory-policy'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/maxmemory-policy 'allkeys-lru'.*evict task records, payloads or queue sets.*'noeviction'/);
  });

  it('says nothing about noeviction, and a full Redis refuses enqueue with an out-of-memory TaskStoreError, writing nothing', async () => {
    await admin.config('SET', 'maxmemory-policy', 'noeviction');
    const logger = new CapturingLogger();
    const app = await boot(server.url, logger, { worker: false, maxPayloadBytes: 256 * 1024 });
    try {
      expect(logger.lines.filter((l) => l.includes('maxmemory-policy'))).toEqual([]);
      const queue = app.get(TaskQueue);
      // Small enough for a compact record (4 KiB at most), so this fills Redis on the enqueue's common path.
      const payload = { blob: 'x'.repeat(3 * 1024) };
      let error: unknown = null;
      let acked = 0;
      for (let i = 0; i < 5_000 && error === null; i++) {
        try {
          await queue.enqueue('mm.work', payload);
          acked++;
        } catch (e) {
          error = e;
        }
      }
      expect(error).toBeInstanceOf(TaskStoreError);
      expect(error).toMatchObject({ failure: 'out-of-memory' });
      expect((error as Error).message).toMatch(/enqueue on queue 'default' failed: Redis at 127\.0\.0\.1:\d+ is out of memory .*nothing was written/);
      expect((error as { cause?: { message?: string } }).cause?.message).toMatch(/^OOM/);
      // Every acknowledged task is whole: its compact record (which holds its payload) and its place in the
      // wait list, and nothing else: no record key or payload key of a task refused.
      const counts = await queue.counts();
      expect(counts.waiting).toBe(acked);
      const [compactKey] = await admin.keys('*}:cr');
      const compact = await admin.hgetall(compactKey);
      expect(Object.keys(compact)).toHaveLength(acked);
      for (const text of Object.values(compact)) expect(text).toContain(JSON.stringify(payload));
      const records = (await admin.keys('*:t:*')).length;
      const payloads = (await admin.keys('*:d:*')).length;
      expect({ records, payloads }).toEqual({ records: 0, payloads: 0 });
    } finally {
      await app.close();
      await admin.flushall();
    }
  });

  // Each enqueue script call is all or nothing, and a large batch goes as several: those before the refused
  // one stay stored. The error says so, and lists every id, so the batch can be sent again without doubles.
  it('says an enqueueMany sent as several calls may be part stored when Redis fills, listing its ids for a re-send', async () => {
    await admin.config('SET', 'maxmemory-policy', 'noeviction');
    const app = await boot(server.url, new CapturingLogger(), { worker: false });
    try {
      const queue = app.get(TaskQueue);
      const used = Number(/used_memory:(\d+)/.exec(await admin.info('memory'))?.[1]);
      await admin.config('SET', 'maxmemory', String(used + 1024 * 1024));
      const items = Array.from({ length: 30_000 }, (_, n) => ({ name: 'mm.work', payload: { n } }));
      const error = (await queue.enqueueMany(items).catch((e: unknown) => e)) as TaskStoreError;
      expect(error).toBeInstanceOf(TaskStoreError);
      expect(error.failure).toBe('out-of-memory');
      expect(error.message).toMatch(/the call it refused wrote nothing\..*; this batch went to Redis as 30 enqueue calls .*some of its tasks may be stored: send the batch again with the same ids/);
      const stored = (await queue.counts()).waiting;
      expect(stored).toBeGreaterThan(0);
      expect(stored).toBeLessThan(items.length);
      expect(error.tasks).toHaveLength(items.length);
      await admin.config('SET', 'maxmemory', '64mb');
      await queue.enqueueMany(items.map((item, i) => ({ ...item, options: { id: error.tasks![i].id } })));
      expect((await queue.counts()).waiting).toBe(items.length);
    } finally {
      await app.close();
      await admin.config('SET', 'maxmemory', '4mb');
      await admin.flushall();
    }
  }, 60_000);

  // A beat rewrites what the last one wrote: refused, the worker would drop out of workers() and its handlers'
  // names out of fetch's view, and its warnings would flap with every task that frees a little memory.
  it('starts a worker on a full Redis and keeps it listed and advertised while full, with no heartbeat warning', async () => {
    await admin.config('SET', 'maxmemory-policy', 'noeviction');
    const prefix = uniquePrefix('mm-full');
    const producer = await boot(server.url, new CapturingLogger(), { prefix, worker: false, maxPayloadBytes: 256 * 1024 });
    const logger = new CapturingLogger();
    let worker: Awaited<ReturnType<typeof boot>> | null = null;
    try {
      const queue = producer.get(TaskQueue);
      const payload = { blob: 'x'.repeat(100 * 1024) };
      let full = false;
      for (let i = 0; i < 200 && !full; i++) full = await queue.enqueue('mm.work', payload).then(() => false, () => true);
      expect(full).toBe(true);
      const waiting = (await queue.counts()).waiting;
      // The refused enqueue's own 100 KB query buffer may be what put Redis over its limit, and may still be
      // counted now: Redis shrinks it a little later (clientsCron), and a small write can fit again. A limit
      // well under what Redis uses now keeps it full after that.
      const fillUp = async () => {
        const used = Number(/used_memory:(\d+)/.exec(await admin.info('memory'))?.[1]);
        await admin.config('SET', 'maxmemory', String(used - 256 * 1024));
        await expect(admin.set(`${prefix}:probe`, '1')).rejects.toThrow(/^OOM/);
      };
      await fillUp();
      // Beats every 200 ms; the worker is listed, and the handler names it carries are advertised in its queue.
      worker = await boot(server.url, logger, { prefix, worker: { leaseMs: 600 } });
      const listed = await queue.workers();
      expect(listed.map((w) => w.queues.map((q) => q.queue))).toEqual([['default']]);
      const [advertised] = await admin.keys(`{${prefix}:default}:hn`);
      expect(await admin.zrange(advertised, 0, -1)).toEqual(expect.arrayContaining(['mm.work', 'mm.long']));
      await waitUntil(async () => (await queue.counts()).completed === waiting, 'the waiting tasks to complete', 30_000);
      // Running them freed memory: full again, for several beats.
      await fillUp();
      const seenBefore = (await queue.workers())[0]?.lastSeenAt ?? 0;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect((await queue.workers())[0]?.lastSeenAt ?? 0).toBeGreaterThan(seenBefore);
      // Nor the schedule firer's mark of what Redis holds, which it cannot make while Redis is full.
      expect(logger.lines.filter((l) => l.includes('heartbeat') || l.includes('schedules:'))).toEqual([]);
    } finally {
      await worker?.close();
      await producer.close();
      await admin.config('SET', 'maxmemory', '4mb');
      await admin.flushall();
    }
  }, 60_000);

  // Renewing a lease only rescores it; were it refused while fetches and recovery go on (they begin with
  // writes Redis takes when full), recovery would take back tasks running fine, an attempt charged each lease.
  it('keeps the leases of running tasks while Redis is full: none is taken back or run again', async () => {
    await admin.config('SET', 'maxmemory-policy', 'noeviction');
    const logger = new CapturingLogger();
    const app = await boot(server.url, logger, { worker: { concurrency: 3, leaseMs: 600 } });
    try {
      const queue = app.get(TaskQueue);
      const tasks = app.get(LongTasks);
      const refs = await Promise.all([1, 2, 3].map(() => queue.enqueue('mm.long', {})));
      await waitUntil(() => tasks.starts.length === 3, 'the three tasks to start');
      const used = Number(/used_memory:(\d+)/.exec(await admin.info('memory'))?.[1]);
      await admin.config('SET', 'maxmemory', String(used - 256 * 1024));
      try {
        await expect(admin.set('mm-probe', '1')).rejects.toThrow(/^OOM/);
        // Three leases and more, with recovery looking every 300 ms.
        await new Promise((resolve) => setTimeout(resolve, 2_000));
      } finally {
        await admin.config('SET', 'maxmemory', '4mb');
      }
      for (const ref of refs) await queue.waitFor(ref, { timeout: 10_000 });
      expect(tasks.starts.sort()).toEqual(refs.map((ref) => `${ref.id}#1`).sort());
      expect(logger.lines.filter((l) => /took back|could not renew/.test(l))).toEqual([]);
    } finally {
      await app.close();
      await admin.flushall();
    }
  }, 30_000);

  it('names the command a least-privilege user may not run, and that the script may have written before it', async () => {
    await admin.acl('SETUSER', 'noxadd', 'reset', 'on', '>pw', '~*', '+@all');
    const logger = new CapturingLogger();
    const app = await boot(server.url.replace('redis://', 'redis://noxadd:pw@'), logger, { worker: false });
    try {
      // Taken away after bootstrap, which would have refused the rule (least-privilege.spec).
      await admin.acl('SETUSER', 'noxadd', '-xadd');
      const error = await app.get(TaskQueue).enqueue('mm.work', {}).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TaskStoreError);
      expect(error).toMatchObject({ failure: 'permission-denied' });
      // Redis 7.2 and later name the command (XADD); 7.0 only says a command of the script was refused.
      expect((error as Error).message).toMatch(/permission denied: the Redis user may not run (XADD|one of the commands its Lua script calls)/);
      expect((error as Error).message).toContain('so part of this call may be stored (look a task up by its id before sending it again)');
      expect((error as Error).message).not.toContain('pw@');
    } finally {
      await app.close();
    }
  });
});
