import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { InvalidTaskOptionsError, TaskHandler, TaskModule } from '../../lib/index.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { TEST_CONNECTION, inspector, keysOf, removePrefix, uniquePrefix } from '../utils/redis.js';
import { sleep } from '../utils/wait.js';

// forRoot({ queues: { q: { rateLimit: { max, perMs } } } }) allows at most
// `max` task starts per window across every worker of the fleet. The window
// is fixed and kept in Redis: it opens with the first start after the last
// window ended and lasts perMs (a key with PEXPIRE). Start times are read back
// as TaskInfo.startedAt, which is Redis time.

const MAX = 5;
const PER_MS = 500;
// Each app may run 3 at once, fewer than MAX: filling a window takes both apps.
const rateLimited = { queues: { q: { rateLimit: { max: MAX, perMs: PER_MS } } }, worker: { concurrency: 3, leaseMs: 5_000, shutdownGraceMs: 2_000 } };
/** Starts per app (by its PartnerTasks instance). */
const startsByApp = new Map<PartnerTasks, number>();

@Injectable()
class PartnerTasks {
  @TaskHandler('partner.call', { queue: 'q' })
  async call(payload: { i: number }) {
    startsByApp.set(this, (startsByApp.get(this) ?? 0) + 1);
    // Long enough that a worker does not prefetch beyond its 3 slots.
    await sleep(30);
    return payload.i;
  }

  @TaskHandler('local.work', { queue: 'unlimited' })
  async local(payload: { i: number }) {
    return payload.i;
  }
}

/** Splits sorted start times into the library's fixed windows: each opens at a start and takes the starts of the next perMs. */
function fixedWindows(starts: number[], perMs: number): number[][] {
  const windows: number[][] = [];
  for (const start of starts) {
    const current = windows.at(-1);
    if (current && start < current[0] + perMs) current.push(start);
    else windows.push([start]);
  }
  return windows;
}

describe('rate limit per queue across the fleet', () => {
  const prefix = uniquePrefix('rate-limit');
  let a: TaskApp;
  let b: TaskApp;

  beforeAll(async () => {
    a = await startTaskApp(prefix, [PartnerTasks], rateLimited);
    b = await startTaskApp(prefix, [PartnerTasks], rateLimited);
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await removePrefix(prefix);
  });

  it(`starts at most ${MAX} tasks per ${PER_MS} ms window across two worker apps, and all of them in the end`, async () => {
    const total = 32;
    const refs = await a.queue.enqueueMany(Array.from({ length: total }, (_, i) => ({ name: 'partner.call', payload: { i } })));
    await Promise.all(refs.map((ref) => b.queue.waitFor(ref, { timeout: 20_000 })));

    const infos = await Promise.all(refs.map((ref) => a.queue.get(ref)));
    const starts = infos.map((info) => info!.startedAt!).sort((x, y) => x - y);
    const windows = fixedWindows(starts, PER_MS);
    expect(Math.max(...windows.map((w) => w.length))).toBeLessThanOrEqual(MAX);
    expect(windows.length).toBeGreaterThanOrEqual(Math.ceil(total / MAX));
    // Throughput is bounded by max / perMs: 32 starts need at least 6 full windows after the first.
    expect(starts.at(-1)! - starts[0]).toBeGreaterThanOrEqual((Math.ceil(total / MAX) - 1) * PER_MS);
    // ... and the windows are used: no window stands idle while tasks wait (generous: 3 windows' slack).
    expect(starts.at(-1)! - starts[0]).toBeLessThan((Math.ceil(total / MAX) + 3) * PER_MS);
    // Both apps took part: one alone (3 at once) could not fill a window.
    expect([...startsByApp.values()].sort()).toEqual([expect.any(Number), expect.any(Number)]);
    expect([...startsByApp.values()].reduce((x, y) => x + y)).toBe(total);
  });

  it('counts every start in a window, whichever app made it', async () => {
    // The window the previous test left open ends first, so these starts open their own windows.
    await sleep(PER_MS + 100);
    // Two bursts, one enqueued through each app, at once.
    const [first, second] = await Promise.all([
      a.queue.enqueueMany(Array.from({ length: 6 }, (_, i) => ({ name: 'partner.call', payload: { i } }))),
      b.queue.enqueueMany(Array.from({ length: 6 }, (_, i) => ({ name: 'partner.call', payload: { i } }))),
    ]);
    const refs = [...first, ...second];
    await Promise.all(refs.map((ref) => a.queue.waitFor(ref, { timeout: 20_000 })));
    const starts = (await Promise.all(refs.map((ref) => a.queue.get(ref)))).map((info) => info!.startedAt!).sort((x, y) => x - y);
    const windows = fixedWindows(starts, PER_MS);
    expect(Math.max(...windows.map((w) => w.length))).toBeLessThanOrEqual(MAX);
    expect(windows.length).toBeGreaterThanOrEqual(3);
  });

  it('leaves queues without a rate limit unthrottled', async () => {
    const refs = await a.queue.enqueueMany(Array.from({ length: 30 }, (_, i) => ({ name: 'local.work', payload: { i } })));
    await Promise.all(refs.map((ref) => a.queue.waitFor(ref, { timeout: 5_000 })));
    const starts = (await Promise.all(refs.map((ref) => a.queue.get(ref)))).map((info) => info!.startedAt!);
    // 30 starts at 5 per 500 ms would take 2.5 s or more (six windows).
    expect(Math.max(...starts) - Math.min(...starts)).toBeLessThan(5 * PER_MS);
  });

  it('rejects a rate limit with max below 1 at bootstrap, naming the option, before touching Redis', async () => {
    const badPrefix = uniquePrefix('rate-limit-bad');
    for (const max of [0, -3, 1.5]) {
      const error = await startTaskApp(badPrefix, [PartnerTasks], { queues: { q: { rateLimit: { max, perMs: PER_MS } } } }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidTaskOptionsError);
      expect((error as Error).message).toMatch(/queues\.q\.rateLimit\.max must be an integer >= 1/);
    }
    const viaFactory = await Test.createTestingModule({
      imports: [TaskModule.forRootAsync({ useFactory: () => ({ connection: TEST_CONNECTION, prefix: badPrefix, queues: { q: { rateLimit: { max: 0, perMs: 1 } } } }) })],
    })
      .compile()
      .catch((e: unknown) => e);
    expect(viaFactory).toBeInstanceOf(InvalidTaskOptionsError);
    const redis = inspector();
    try {
      expect(await keysOf(redis, badPrefix)).toEqual([]);
    } finally {
      await redis.quit();
    }
  });
});
