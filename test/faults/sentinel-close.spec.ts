import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Redis } from 'ioredis';
import { TaskHandler, TaskModule, TaskQueue } from '../../lib/index.js';
import { uniquePrefix } from '../utils/redis.js';
import { faultRedis, startSentinels, type FaultRedis, type Sentinels } from './support/index.js';

// Through Sentinel, each connection of the app also subscribes to every sentinel's +switch-master
// (ioredis' failoverDetector, on by default). ioredis' QUIT leaves those subscriptions open, so a closed
// app kept sockets to the sentinels and its process did not exit. app.close() must leave none.

const NAME = 'tasks-close';

@Injectable()
class CloseTasks {
  @TaskHandler('close.work')
  work() {
    return 'done';
  }
}

/** The clients of a sentinel subscribed to a channel: the app's failover detectors. */
async function subscribersOf(port: number): Promise<number> {
  const client = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 1 });
  try {
    const list = (await client.call('CLIENT', 'LIST')) as string;
    return list.split('\n').filter((line) => /\bcmd=(p|s)?subscribe\b/.test(line) || /\bsub=[1-9]/.test(line)).length;
  } finally {
    client.disconnect();
  }
}

describe('Sentinel: closing the app', () => {
  let master: FaultRedis;
  let sentinels: Sentinels;

  beforeAll(async () => {
    master = await faultRedis();
    await master.start();
    sentinels = await startSentinels(NAME, master.port, 2);
  }, 60_000);
  afterAll(async () => {
    await sentinels?.destroy();
    await master?.destroy();
  });

  it("leaves no subscription to the sentinels once app.close() resolves (the failover detectors' included)", async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        TaskModule.forRoot({
          connection: { sentinels: sentinels.ports.map((port) => ({ host: '127.0.0.1', port })), name: NAME },
          prefix: uniquePrefix('sentinel-close'),
          worker: { concurrency: 2, leaseMs: 5_000, shutdownGraceMs: 500 },
        }),
      ],
      providers: [CloseTasks],
    }).compile();
    moduleRef.useLogger(false);
    const app = await moduleRef.init();
    const tasks = app.get(TaskQueue);
    expect(await tasks.waitFor(await tasks.enqueue('close.work', null), { timeout: 10_000 })).toBe('done');
    // Each connection of the app (commands, the queue's blocking one, its events) watches each sentinel.
    const before = await Promise.all(sentinels.ports.map(subscribersOf));
    expect(before.every((n) => n >= 2)).toBe(true);

    await app.close();
    // A socket closed by this process reaches the sentinel a moment later.
    const deadline = Date.now() + 5_000;
    let after = await Promise.all(sentinels.ports.map(subscribersOf));
    while (after.some((n) => n > 0) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      after = await Promise.all(sentinels.ports.map(subscribersOf));
    }
    expect(after).toEqual(sentinels.ports.map(() => 0));
  }, 60_000);
});
