import { Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { TaskHandler } from '../../lib/index.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { inspector, removePrefix, uniquePrefix } from '../utils/redis.js';
import { waitUntil } from '../utils/wait.js';

// queues: { q: { events: { maxLen: 100 } } } keeps q's stream near 100
// entries however many events are written. Trimming is approximate
// (XADD MAXLEN ~): Redis drops whole stream nodes only, so the stream holds at
// least maxLen entries and at most maxLen plus one node's worth
// (stream-node-max-entries, 100 by default). That node is the slack allowed here.

const MAX_LEN = 100;
const TASKS = 2_000;

@Injectable()
class TickTasks {
  @TaskHandler('tick', { queue: 'q' })
  tick() {}
}

describe('a queue with events: { maxLen }', () => {
  const prefix = uniquePrefix('ev-bound');
  const streamKey = `{${prefix}:q}:events`;
  let t: TaskApp;
  let redis: Redis;

  beforeAll(async () => {
    redis = inspector();
    t = await startTaskApp(prefix, [TickTasks], { queues: { q: { events: { maxLen: MAX_LEN } } } });
  });
  afterAll(async () => {
    await t.close();
    await redis.quit();
    await removePrefix(prefix);
  });

  it(`keeps the stream near ${MAX_LEN} entries after ${TASKS} tasks (${TASKS * 3} events)`, async () => {
    const [, nodeEntries] = (await redis.config('GET', 'stream-node-max-entries')) as [string, string];
    const slack = Number(nodeEntries);
    expect(slack).toBeGreaterThan(0);

    let largest = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        largest = Math.max(largest, await redis.xlen(streamKey));
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();

    for (let i = 0; i < TASKS; i += 200) {
      await t.queue.enqueueMany(Array.from({ length: 200 }, (_, j) => ({ name: 'tick', payload: { n: i + j }, options: { queue: 'q' } })));
    }
    await waitUntil(
      async () => {
        const c = await t.queue.counts('q');
        return c.waiting + c.delayed + c.active === 0;
      },
      'every task to finish',
      60_000,
      50,
    );
    sampling = false;
    await sampler;

    const length = await redis.xlen(streamKey);
    expect(length).toBeGreaterThanOrEqual(MAX_LEN);
    expect(length).toBeLessThanOrEqual(MAX_LEN + slack);
    expect(largest).toBeLessThanOrEqual(MAX_LEN + slack);

    // What is kept is the newest: the last entry is the completion of one of the last tasks.
    const [[, fields]] = await redis.xrevrange(streamKey, '+', '-', 'COUNT', 1);
    expect(fields.slice(0, 2)).toEqual(['t', 'completed']);
  });
});
