import { Injectable } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { Redis } from 'ioredis';
import { TaskHandler, TaskModule, TaskQueue } from '../../lib/index.js';
import { ownRedis, type OwnRedis } from '../fixtures/child-processes.js';
import { commandCalls, uniquePrefix } from '../utils/redis.js';

// The scripts are called by SHA (EVALSHA). A server that does not have one
// (a new server, a restart without persistence of its script cache, SCRIPT
// FLUSH) answers NOSCRIPT, and the call is sent again with the script's text
// (EVAL), which loads it: enqueue, fetch and settle go on without an error,
// and app.close() lets such an EVAL out before it closes the connection.

@Injectable()
class EchoTasks {
  @TaskHandler('scripts.echo')
  echo(payload: { n: number }) {
    return payload.n;
  }
}

describe('script loading', () => {
  let server: OwnRedis;
  let admin: Redis;
  let app: TestingModule | null = null;

  beforeAll(async () => {
    server = await ownRedis(['--appendonly', 'no']);
    await server.start();
    admin = new Redis(server.url);
  });
  afterAll(async () => {
    await app?.close();
    admin?.disconnect();
    await server?.destroy();
  });

  it('loads each script on first use, and again after SCRIPT FLUSH, without failing a call', async () => {
    app = await Test.createTestingModule({
      imports: [TaskModule.forRoot({ connection: server.url, prefix: uniquePrefix('scripts'), worker: { concurrency: 2, leaseMs: 5_000 } })],
      providers: [EchoTasks],
    }).compile();
    await app.init();
    const queue = app.get(TaskQueue);

    await expect(queue.waitFor(await queue.enqueue('scripts.echo', { n: 1 }), { timeout: 10_000 })).resolves.toBe(1);
    const first = await commandCalls(admin);
    // The first enqueue, fetch and settle each asked by SHA, found no script and sent it.
    expect(first.evalsha).toBeGreaterThanOrEqual(3);
    expect(first.eval).toBeGreaterThanOrEqual(3);

    await admin.script('FLUSH');
    await expect(queue.waitFor(await queue.enqueue('scripts.echo', { n: 2 }), { timeout: 10_000 })).resolves.toBe(2);
    const refs = await queue.enqueueMany([3, 4, 5].map((n) => ({ name: 'scripts.echo', payload: { n } })));
    await expect(Promise.all(refs.map((ref) => queue.waitFor(ref, { timeout: 10_000 })))).resolves.toEqual([3, 4, 5]);
    const after = await commandCalls(admin);
    expect(after.eval - first.eval).toBeGreaterThanOrEqual(3);
    // Loaded again: the calls after these go by SHA.
    expect(Number(/number_of_cached_scripts:(\d+)/.exec(await admin.info('memory'))?.[1])).toBeGreaterThanOrEqual(3);
  });

  it('stores enqueues made just before app.close() without awaiting them, on a Redis without the script', async () => {
    const prefix = uniquePrefix('scripts-close');
    const producer = await Test.createTestingModule({
      imports: [TaskModule.forRoot({ connection: server.url, prefix, worker: false })],
    }).compile();
    await producer.init();
    await admin.script('FLUSH');
    const queue = producer.get(TaskQueue);
    // As a cron job that fires and forgets: each EVALSHA is answered NOSCRIPT once QUIT would have gone out.
    const outcomes = Array.from({ length: 200 }, (_, n) => queue.enqueue('scripts.echo', { n }).then(() => 'stored', (e: Error) => e.message));
    const many = queue.enqueueMany([1, 2, 3].map((n) => ({ name: 'scripts.echo', payload: { n } }))).then(() => 'stored', (e: Error) => e.message);
    await producer.close();
    expect(new Set([...(await Promise.all(outcomes)), await many])).toEqual(new Set(['stored']));
    const [compact] = await admin.keys(`{${prefix}:default}:cr`);
    expect(await admin.hlen(compact)).toBe(203);
  });
});
