import { Injectable } from '@nestjs/common';
import { TaskHandler, type TaskRef } from '../../lib/index.js';
import { Gates, InFlight, openAndDrain } from '../fixtures/gates.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';
import { sleep, waitUntil } from '../utils/wait.js';

// @TaskHandler(name, { globalConcurrency: n }) caps that handler's runs across
// the whole fleet, enforced in Redis. Two worker apps (concurrency 5 each) run
// in this process, so one counter sees every run. Tasks over the limit wait
// without holding a worker slot: other handlers of the queue keep running.

let gates = new Gates();
let limited = new InFlight();
let free = new InFlight();

@Injectable()
class FleetTasks {
  @TaskHandler('render', { globalConcurrency: 2 })
  async render(payload: { key: string; gate?: boolean }) {
    limited.enter();
    try {
      if (payload.gate) await gates.pass(payload.key);
      await sleep(20);
    } finally {
      limited.leave();
    }
    return payload.key;
  }

  @TaskHandler('notify')
  async notify(payload: { key: string }) {
    free.enter();
    await sleep(20);
    free.leave();
    return payload.key;
  }
}

describe('globalConcurrency across the fleet', () => {
  const prefix = uniquePrefix('global-conc');
  let a: TaskApp;
  let b: TaskApp;

  beforeAll(async () => {
    a = await startTaskApp(prefix, [FleetTasks]);
    b = await startTaskApp(prefix, [FleetTasks]);
  });

  beforeEach(() => {
    gates = new Gates();
    limited = new InFlight();
    free = new InFlight();
  });

  afterEach(() => openAndDrain(gates, a.queue));

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await removePrefix(prefix);
  });

  it('never runs more than 2 across two apps, and completes them all', async () => {
    const refs = await a.queue.enqueueMany(Array.from({ length: 24 }, (_, i) => ({ name: 'render', payload: { key: `r${i}` } })));
    await expect(Promise.all(refs.map((ref) => b.queue.waitFor(ref, { timeout: 15_000 })))).resolves.toHaveLength(24);
    expect(limited).toMatchObject({ max: 2, now: 0, done: 24 });
    expect(await a.queue.counts()).toMatchObject({ waiting: 0, active: 0, completed: 24 });
  });

  it('holds the rest while 2 run, and lets the other handlers of the queue run meanwhile', async () => {
    const held = [];
    // More than both apps' slots together (2 x 5): parked renders must not hold slots, or no notify could run.
    for (let i = 0; i < 12; i++) held.push(await a.queue.enqueue('render', { key: `held-${i}`, gate: true }));
    await waitUntil(() => gates.held === 2, 'two renders running');
    // Enqueued after the renders, so in FIFO order they come behind all twelve.
    const notes = await b.queue.enqueueMany(Array.from({ length: 8 }, (_, i) => ({ name: 'notify', payload: { key: `n${i}` } })));

    await expect(Promise.all(notes.map((ref) => a.queue.waitFor(ref, { timeout: 5_000 })))).resolves.toHaveLength(8);
    expect(free.done).toBe(8);
    await sleep(300);
    expect(gates.held).toBe(2);
    expect(limited.max).toBe(2);

    expect(await a.queue.counts()).toMatchObject({ active: 2, waiting: 10 });

    gates.openAll();
    await expect(Promise.all(held.map((ref) => b.queue.waitFor(ref, { timeout: 5_000 })))).resolves.toHaveLength(12);
    expect(limited).toMatchObject({ max: 2, now: 0, done: 12 });
  });

  it('shows the tasks over the limit as waiting in get, counts and list alike', async () => {
    const held = [];
    for (let i = 0; i < 5; i++) held.push(await a.queue.enqueue('render', { key: `shown-${i}`, gate: true }));
    await waitUntil(() => gates.held === 2, 'two renders running');
    await sleep(100);

    const states = await Promise.all(held.map(async (ref) => (await a.queue.get(ref))!.state));
    expect(states.filter((s) => s === 'active')).toHaveLength(2);
    const waitingIds = held.filter((_, i) => states[i] === 'waiting').map((ref) => ref.id);
    expect(waitingIds).toHaveLength(3);
    expect(await a.queue.counts()).toMatchObject({ active: 2, waiting: 3 });
    expect((await a.queue.list('active')).map((task) => task.id).sort()).toEqual(held.filter((_, i) => states[i] === 'active').map((ref) => ref.id).sort());
    // In the order they will run: the order they were enqueued.
    expect((await a.queue.list('waiting')).map((task) => task.id)).toEqual(waitingIds);
  });

  it('keeps the limit through cancellations of waiting tasks over it', async () => {
    const refs = [];
    for (let i = 0; i < 5; i++) refs.push(await a.queue.enqueue('render', { key: `c-${i}`, gate: true }));
    await waitUntil(() => gates.held === 2, 'two renders running');
    await sleep(100);
    const waiting: TaskRef[] = [];
    for (const ref of refs) if ((await a.queue.get(ref))!.state === 'waiting') waiting.push(ref);
    expect(waiting).toHaveLength(3);
    expect(await a.queue.cancel(waiting[0])).toBe(true);
    expect(await a.queue.get(waiting[0])).toBeNull();

    gates.openAll();
    const rest = refs.filter((ref) => ref.id !== waiting[0].id);
    await expect(Promise.all(rest.map((ref) => a.queue.waitFor(ref, { timeout: 5_000 })))).resolves.toHaveLength(4);
    expect(limited).toMatchObject({ max: 2, done: 4 });
  });
});
