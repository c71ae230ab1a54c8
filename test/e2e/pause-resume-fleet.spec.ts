import { Injectable } from '@nestjs/common';
import { TaskHandler } from '../../lib/index.js';
import { Gates, openAndDrain } from '../fixtures/gates.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';
import { sleep, waitUntil } from '../utils/wait.js';

// pause(queue) holds the whole fleet: running tasks finish, no worker starts
// anything new (waiting, newly enqueued or newly due), enqueue still works and
// counts() says paused; resume(queue) lets every worker start them again.
// Two worker apps share the queue; a third joins while it is paused.

let gates = new Gates();
/** Keys of the runs that started, across every app, in start order. */
let started: string[] = [];

@Injectable()
class PausableTasks {
  @TaskHandler('job')
  async job(payload: { key: string; gate?: boolean }) {
    started.push(payload.key);
    if (payload.gate) await gates.pass(payload.key);
    return payload.key;
  }

  @TaskHandler('other.job', { queue: 'other' })
  async otherJob(payload: { key: string }) {
    started.push(payload.key);
    return payload.key;
  }
}

describe('pause and resume for the whole fleet', () => {
  const prefix = uniquePrefix('pause');
  const apps: TaskApp[] = [];

  beforeAll(async () => {
    apps.push(await startTaskApp(prefix, [PausableTasks]), await startTaskApp(prefix, [PausableTasks]));
  });

  beforeEach(() => {
    gates = new Gates();
    started = [];
  });

  afterEach(async () => {
    // Resumed first, so a test that failed while paused cannot hold the next one.
    await apps[0].queue.resume();
    await apps[0].queue.resume('other');
    await openAndDrain(gates, apps[0].queue, ['default', 'other']);
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    await removePrefix(prefix);
  });

  it('lets running tasks finish, starts nothing new anywhere while paused, and starts them all after resume', async () => {
    const [a, b] = apps;
    // Eight running: more than one app's concurrency (5), so both apps hold some.
    const running = [];
    for (let i = 0; i < 8; i++) running.push(await a.queue.enqueue('job', { key: `running-${i}`, gate: true }));
    await waitUntil(() => gates.held === 8, 'eight tasks running across both apps');

    await b.queue.pause();
    expect(await a.queue.counts()).toMatchObject({ paused: true, active: 8 });

    const queued = [];
    for (let i = 0; i < 4; i++) queued.push(await a.queue.enqueue('job', { key: `queued-${i}` }));
    queued.push(await b.queue.enqueue('job', { key: 'due-while-paused' }, { delay: 200 }));
    expect(await a.queue.get(queued[0])).toMatchObject({ state: 'waiting' });

    for (let i = 0; i < 8; i++) gates.open(`running-${i}`);
    await Promise.all(running.map((ref) => a.queue.waitFor(ref, { timeout: 5_000 })));

    // Free slots everywhere, a due delayed task, and still nothing new starts.
    await sleep(800);
    expect(started.filter((key) => !key.startsWith('running-'))).toEqual([]);
    const paused = await a.queue.counts();
    expect(paused).toMatchObject({ paused: true, active: 0, completed: 8 });
    expect(paused.waiting + paused.delayed).toBe(5);

    // Another queue is not affected.
    const other = await a.queue.enqueue('other.job', { key: 'other' });
    await expect(a.queue.waitFor(other, { timeout: 5_000 })).resolves.toBe('other');

    // A worker that joins the fleet while the queue is paused starts nothing either.
    apps.push(await startTaskApp(prefix, [PausableTasks]));
    await sleep(300);
    expect(started.filter((key) => !key.startsWith('running-') && key !== 'other')).toEqual([]);

    await a.queue.resume();
    expect(await b.queue.counts()).toMatchObject({ paused: false });
    await expect(Promise.all(queued.map((ref) => b.queue.waitFor(ref, { timeout: 5_000 })))).resolves.toEqual([
      'queued-0',
      'queued-1',
      'queued-2',
      'queued-3',
      'due-while-paused',
    ]);
    expect(await a.queue.counts()).toMatchObject({ paused: false, waiting: 0, delayed: 0, active: 0, completed: 13 });
  });

  it('pauses by queue name, and pausing twice or resuming an unpaused queue is harmless', async () => {
    const [a] = apps;
    await a.queue.pause('other');
    await a.queue.pause('other');
    expect(await a.queue.counts('other')).toMatchObject({ paused: true });
    expect(await a.queue.counts()).toMatchObject({ paused: false });

    const held = await a.queue.enqueue('other.job', { key: 'held' });
    const free = await a.queue.enqueue('job', { key: 'free' });
    await expect(a.queue.waitFor(free, { timeout: 5_000 })).resolves.toBe('free');
    await sleep(300);
    expect(await a.queue.get(held)).toMatchObject({ state: 'waiting' });

    await a.queue.resume('other');
    await a.queue.resume('other');
    await a.queue.resume();
    await expect(a.queue.waitFor(held, { timeout: 5_000 })).resolves.toBe('held');
  });
});
