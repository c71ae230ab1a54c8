import { Injectable } from '@nestjs/common';
import { TaskFailedError, TaskHandler } from '../../lib/index.js';
import { Gates, openAndDrain } from '../fixtures/gates.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { inspector, keysOf, removePrefix, uniquePrefix } from '../utils/redis.js';
import { sleep, waitUntil } from '../utils/wait.js';

// When a dependency ends dead (its handler failed for good, or it was
// cancelled), its dependents end dead too, with an error naming it, and so on
// down the graph; unless a dependent was enqueued with dependencyFailure
// 'run', which runs it anyway. A blocked task itself can be cancelled.

let gates = new Gates();
/** Keys of the runs that started. */
let runs: string[] = [];

@Injectable()
class FailingFlowTasks {
  @TaskHandler('work')
  async work(payload: { key: string; gate?: boolean }) {
    runs.push(payload.key);
    if (payload.gate) await gates.pass(payload.key);
    return payload.key;
  }

  @TaskHandler('explode')
  async explode(payload: { key: string }) {
    runs.push(payload.key);
    throw new Error(`${payload.key} exploded`);
  }
}

describe('dependencies: failed and cancelled dependencies', () => {
  const prefix = uniquePrefix('deps-fail');
  let t: TaskApp;

  beforeAll(async () => {
    t = await startTaskApp(prefix, [FailingFlowTasks]);
  });

  beforeEach(() => {
    gates = new Gates();
    runs = [];
  });

  afterEach(() => openAndDrain(gates, t.queue));

  afterAll(async () => {
    await t?.close();
    await removePrefix(prefix);
  });

  it('ends the dependents of a dead task dead, naming it, down a chain; a dependent with dependencyFailure run runs anyway', async () => {
    const [root, child, grandchild, tolerant] = await t.queue.enqueueMany([
      { name: 'explode', payload: { key: 'root' }, options: { id: 'root' } },
      { name: 'work', payload: { key: 'child' }, options: { id: 'child', dependsOn: ['root'] } },
      { name: 'work', payload: { key: 'grandchild' }, options: { id: 'grandchild', dependsOn: ['child'] } },
      { name: 'work', payload: { key: 'tolerant' }, options: { dependsOn: ['root'], dependencyFailure: 'run' } },
    ]);

    await expect(t.queue.waitFor(root, { timeout: 5_000 })).rejects.toThrow('root exploded');
    await expect(t.queue.waitFor(child, { timeout: 5_000 })).rejects.toThrow(TaskFailedError);
    await expect(t.queue.waitFor(grandchild, { timeout: 5_000 })).rejects.toThrow(TaskFailedError);
    await expect(t.queue.waitFor(tolerant, { timeout: 5_000 })).resolves.toBe('tolerant');

    const childInfo = (await t.queue.get(child))!;
    expect(childInfo).toMatchObject({ state: 'dead', attempts: 0 });
    expect(childInfo.error!.message).toContain('dependency root ended dead');
    expect(childInfo.finishedAt).not.toBeNull();
    const grandchildInfo = (await t.queue.get(grandchild))!;
    expect(grandchildInfo).toMatchObject({ state: 'dead', attempts: 0 });
    expect(grandchildInfo.error!.message).toContain('dependency child ended dead');
    expect(runs.sort()).toEqual(['root', 'tolerant']);
    expect(await t.queue.counts()).toMatchObject({ blocked: 0, dead: 3 });
  });

  it('ends a task dead at enqueue when a dependency is already dead, or runs it with dependencyFailure run', async () => {
    const broken = await t.queue.enqueue('explode', { key: 'broken' });
    await expect(t.queue.waitFor(broken, { timeout: 5_000 })).rejects.toThrow('broken exploded');

    const doomed = await t.queue.enqueue('work', { key: 'doomed' }, { dependsOn: [broken] });
    const info = (await t.queue.get(doomed))!;
    expect(info.state).toBe('dead');
    expect(info.error!.message).toContain(`dependency ${broken.id} ended dead`);
    await expect(t.queue.waitFor(doomed, { timeout: 5_000 })).rejects.toThrow(broken.id);

    const hardy = await t.queue.enqueue('work', { key: 'hardy' }, { dependsOn: [broken], dependencyFailure: 'run' });
    await expect(t.queue.waitFor(hardy, { timeout: 5_000 })).resolves.toBe('hardy');
    expect(runs).not.toContain('doomed');
  });

  it('ends the dependents of a cancelled task dead, naming it, down a chain', async () => {
    const first = await t.queue.enqueue('work', { key: 'first' }, { delay: 60_000 });
    const second = await t.queue.enqueue('work', { key: 'second' }, { dependsOn: [first] });
    const third = await t.queue.enqueue('work', { key: 'third' }, { dependsOn: [second] });
    const runsAnyway = await t.queue.enqueue('work', { key: 'runs-anyway' }, { dependsOn: [first], dependencyFailure: 'run' });

    expect(await t.queue.cancel(first)).toBe(true);
    expect(await t.queue.get(first)).toBeNull();

    const secondInfo = (await t.queue.get(second))!;
    expect(secondInfo.state).toBe('dead');
    expect(secondInfo.error!.message).toContain(`dependency ${first.id} ended dead`);
    const thirdInfo = (await t.queue.get(third))!;
    expect(thirdInfo.state).toBe('dead');
    expect(thirdInfo.error!.message).toContain(`dependency ${second.id} ended dead`);
    await expect(t.queue.waitFor(runsAnyway, { timeout: 5_000 })).resolves.toBe('runs-anyway');
    expect(runs).toEqual(['runs-anyway']);
  });

  it('cancels a blocked task: it is gone, never runs, and its dependency completes normally', async () => {
    const redis = inspector();
    try {
      const dep = await t.queue.enqueue('work', { key: 'dep', gate: true });
      const blocked = await t.queue.enqueue('work', { key: 'blocked' }, { dependsOn: [dep] });
      await waitUntil(() => gates.held === 1, 'the dependency running');
      expect(await t.queue.counts()).toMatchObject({ blocked: 1 });

      expect(await t.queue.cancel(blocked)).toBe(true);
      expect(await t.queue.get(blocked)).toBeNull();
      expect(await t.queue.counts()).toMatchObject({ blocked: 0 });
      expect(await t.queue.list('blocked')).toEqual([]);
      expect(await t.queue.cancel(blocked)).toBe(false);

      gates.open('dep');
      await expect(t.queue.waitFor(dep, { timeout: 5_000 })).resolves.toBe('dep');
      await sleep(200);
      expect(runs).toEqual(['dep']);
      // Nothing of the cancelled task is left behind, in any key of the queue.
      expect((await keysOf(redis, prefix)).filter((key) => key.includes(blocked.id))).toEqual([]);
      expect(await t.queue.counts()).toMatchObject({ blocked: 0, waiting: 0, delayed: 0, active: 0 });
    } finally {
      await redis.quit();
    }
  });

  // JSON.stringify escapes a lone surrogate as \udc00, which Lua's cjson refused: the dependent's error lost the message.
  it("carries a dependency's message with a lone surrogate into its dependent's error, as U+FFFD", async () => {
    const [root, child] = await t.queue.enqueueMany([
      { name: 'explode', payload: { key: 'lone \uDC00' }, options: { id: 'lone-root' } },
      { name: 'work', payload: { key: 'lone-child' }, options: { id: 'lone-child', dependsOn: ['lone-root'] } },
    ]);
    await expect(t.queue.waitFor(root!, { timeout: 5_000 })).rejects.toThrow('lone \uFFFD exploded');
    await expect(t.queue.waitFor(child!, { timeout: 5_000 })).rejects.toThrow(TaskFailedError);
    expect((await t.queue.get(child!))!.error!.message).toBe('dependency lone-root ended dead: lone \uFFFD exploded');
  });
});
