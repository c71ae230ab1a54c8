import { Injectable } from '@nestjs/common';
import { TaskContext, TaskHandler, type TaskInfo } from '../../lib/index.js';
import { Gates, openAndDrain } from '../fixtures/gates.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';
import { sleep, waitUntil } from '../utils/wait.js';

// A task enqueued with dependsOn stays 'blocked' (visible in get, counts and
// list) until every task it depends on has completed; then it runs, once,
// after all of them. Two worker apps share the queue, as a fleet would.

let gates = new Gates();
/** Keys of the runs that started, in start order, across both apps. */
let runs: string[] = [];

@Injectable()
class StepTasks {
  @TaskHandler('step')
  async step(payload: { key: string; gate?: boolean; sleepMs?: number }, task: TaskContext) {
    runs.push(payload.key);
    if (payload.gate) await gates.pass(payload.key);
    if (payload.sleepMs) await sleep(payload.sleepMs);
    return { key: payload.key, deps: await task.dependencies() };
  }
}

describe('dependencies: blocked until every dependency completes', () => {
  const prefix = uniquePrefix('deps-block');
  let a: TaskApp;
  let b: TaskApp;

  beforeAll(async () => {
    a = await startTaskApp(prefix, [StepTasks]);
    b = await startTaskApp(prefix, [StepTasks]);
  });

  beforeEach(() => {
    gates = new Gates();
    runs = [];
  });

  afterEach(() => openAndDrain(gates, a.queue));

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await removePrefix(prefix);
  });

  it('keeps a task depending on an id and a ref blocked (get, counts, list) until both complete, then runs it after them', async () => {
    const first = await a.queue.enqueue('step', { key: 'first', gate: true }, { id: 'dep-first' });
    const second = await a.queue.enqueue('step', { key: 'second', gate: true });
    await waitUntil(() => gates.held === 2, 'both dependencies running');

    const last = await a.queue.enqueue('step', { key: 'last' }, { dependsOn: ['dep-first', second] });

    expect(await a.queue.get(last)).toMatchObject({
      state: 'blocked',
      attempts: 0,
      startedAt: null,
      pendingDependencies: ['dep-first', second.id].sort(),
    });
    expect(await a.queue.counts()).toMatchObject({ blocked: 1, waiting: 0, active: 2 });
    expect((await a.queue.list('blocked')).map((t) => t.id)).toEqual([last.id]);

    gates.open('first');
    await a.queue.waitFor(first, { timeout: 5_000 });
    expect(await a.queue.get(last)).toMatchObject({ state: 'blocked', pendingDependencies: [second.id] });
    await sleep(300);
    expect(runs).not.toContain('last');
    expect(await b.queue.counts()).toMatchObject({ blocked: 1 });

    gates.open('second');
    await expect(a.queue.waitFor(last, { timeout: 5_000 })).resolves.toMatchObject({ key: 'last' });

    const [firstInfo, secondInfo, lastInfo] = (await Promise.all([first, second, last].map((ref) => a.queue.get(ref)))) as TaskInfo[];
    expect(lastInfo).toMatchObject({ state: 'completed', attempts: 1 });
    expect(lastInfo.pendingDependencies).toBeUndefined();
    expect(lastInfo.startedAt!).toBeGreaterThanOrEqual(Math.max(firstInfo.finishedAt!, secondInfo.finishedAt!));
    expect(runs.filter((key) => key === 'last')).toHaveLength(1);
    expect(await a.queue.counts()).toMatchObject({ blocked: 0, waiting: 0, active: 0 });
    expect(await a.queue.list('blocked')).toEqual([]);
  });

  it('runs the join of a diamond (A -> B, A -> C, B + C -> D) exactly once, after both B and C, across two workers', async () => {
    const diamonds = 15;
    const items = [];
    for (let i = 0; i < diamonds; i++) {
      // B and C take turns being the slower one, so either can finish last.
      const slow = (n: number) => ({ sleepMs: (i + n) % 2 === 0 ? 30 : 5 });
      items.push(
        { name: 'step', payload: { key: `${i}-A` }, options: { id: `d${i}-A` } },
        { name: 'step', payload: { key: `${i}-B`, ...slow(0) }, options: { id: `d${i}-B`, dependsOn: [`d${i}-A`] } },
        { name: 'step', payload: { key: `${i}-C`, ...slow(1) }, options: { id: `d${i}-C`, dependsOn: [`d${i}-A`] } },
        { name: 'step', payload: { key: `${i}-D` }, options: { id: `d${i}-D`, dependsOn: [`d${i}-B`, `d${i}-C`] } },
      );
    }
    const refs = await a.queue.enqueueMany(items);
    await Promise.all(refs.map((ref) => a.queue.waitFor(ref, { timeout: 15_000 })));

    for (let i = 0; i < diamonds; i++) {
      const [A, B, C, D] = (await Promise.all(['A', 'B', 'C', 'D'].map((x) => a.queue.get(`d${i}-${x}`)))) as TaskInfo[];
      expect(runs.filter((key) => key === `${i}-D`)).toHaveLength(1);
      expect(D).toMatchObject({ state: 'completed', attempts: 1 });
      expect(B.startedAt!).toBeGreaterThanOrEqual(A.finishedAt!);
      expect(C.startedAt!).toBeGreaterThanOrEqual(A.finishedAt!);
      expect(D.startedAt!).toBeGreaterThanOrEqual(Math.max(B.finishedAt!, C.finishedAt!));
      expect(runs.indexOf(`${i}-D`)).toBeGreaterThan(Math.max(runs.indexOf(`${i}-B`), runs.indexOf(`${i}-C`)));
      expect(Object.keys((D.result as { deps: object }).deps).sort()).toEqual([`d${i}-B`, `d${i}-C`]);
    }
    expect(runs).toHaveLength(diamonds * 4);
  });

  it('counts a delay on a dependent from its unblocking, not from its enqueue', async () => {
    const dep = await a.queue.enqueue('step', { key: 'slow-dep', gate: true });
    const delayed = await a.queue.enqueue('step', { key: 'delayed-dependent' }, { dependsOn: [dep], delay: 1_000 });
    await waitUntil(() => gates.held === 1, 'the dependency running');
    // Longer than the delay: had it counted from enqueue, the dependent would run as soon as the dependency ends.
    await sleep(1_300);
    expect(await a.queue.get(delayed)).toMatchObject({ state: 'blocked' });

    gates.open('slow-dep');
    await a.queue.waitFor(dep, { timeout: 5_000 });
    const depInfo = (await a.queue.get(dep))!;
    const meanwhile = (await a.queue.get(delayed))!;
    expect(meanwhile.state).toBe('delayed');
    expect(meanwhile.runAt).toBeGreaterThanOrEqual(depInfo.finishedAt! + 1_000);

    await a.queue.waitFor(delayed, { timeout: 5_000 });
    const info = (await a.queue.get(delayed))!;
    expect(info.startedAt! - depInfo.finishedAt!).toBeGreaterThanOrEqual(1_000);
  });
});
