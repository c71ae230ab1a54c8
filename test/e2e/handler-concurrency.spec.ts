import { Injectable } from '@nestjs/common';
import { TaskHandler } from '../../lib/index.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';
import { sleep, waitUntil } from '../utils/wait.js';

// `concurrency` on a handler caps that handler's runs in one worker process,
// below the worker's own concurrency, without holding back other handlers of
// the same queue.

/** Counts runs in flight per handler and remembers the highest count seen. */
class InFlight {
  now = 0;
  max = 0;
  done = 0;
  enter() {
    this.now += 1;
    this.max = Math.max(this.max, this.now);
  }
  leave() {
    this.now -= 1;
    this.done += 1;
  }
}

let limited = new InFlight();
let free = new InFlight();
/** How many `free` runs must be in flight together before any of them finishes. */
let freeBarrier = 0;

@Injectable()
class MixedTasks {
  @TaskHandler('limited', { concurrency: 2 })
  async limited() {
    limited.enter();
    await sleep(60);
    limited.leave();
  }

  @TaskHandler('free')
  async free() {
    free.enter();
    // Finishes only once `freeBarrier` runs are in flight at once: proves they run side by side.
    await waitUntil(() => free.now + free.done >= freeBarrier, `${freeBarrier} 'free' runs in flight together`, 10_000, 5);
    await sleep(20);
    free.leave();
  }
}

describe('handler concurrency', () => {
  const prefix = uniquePrefix('handler-conc');
  let t: TaskApp;

  beforeAll(async () => {
    t = await startTaskApp(prefix, [MixedTasks], { worker: { concurrency: 10, leaseMs: 5_000, shutdownGraceMs: 2_000 } });
  });

  beforeEach(() => {
    limited = new InFlight();
    free = new InFlight();
  });

  afterAll(async () => {
    await t.close();
    await removePrefix(prefix);
  });

  it('never runs more than 2 of a concurrency-2 handler at once, while another handler of the queue runs 4 side by side', async () => {
    freeBarrier = 4;
    // Interleaved, and 10 in all: the worker takes the whole batch at once.
    const items = [];
    for (let i = 0; i < 6; i++) items.push({ name: 'limited', payload: { i } });
    for (let i = 0; i < 4; i++) items.splice(i * 2 + 1, 0, { name: 'free', payload: { i } });
    const refs = await t.queue.enqueueMany(items);

    await Promise.all(refs.map((ref) => t.queue.waitFor(ref, { timeout: 15_000 })));

    expect(limited).toMatchObject({ max: 2, done: 6, now: 0 });
    expect(free).toMatchObject({ max: 4, done: 4, now: 0 });
  });

  it('keeps the cap, and runs everything, when far more tasks of that handler wait than the worker has slots', async () => {
    freeBarrier = 0;
    const refs = await t.queue.enqueueMany(Array.from({ length: 30 }, (_, i) => ({ name: 'limited', payload: { i } })));

    await Promise.all(refs.map((ref) => t.queue.waitFor(ref, { timeout: 20_000 })));

    expect(limited).toMatchObject({ max: 2, done: 30, now: 0 });
    expect(await t.queue.counts()).toMatchObject({ waiting: 0, active: 0, dead: 0 });
  });
});
