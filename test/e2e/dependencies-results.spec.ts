import { Injectable } from '@nestjs/common';
import { TaskContext, TaskHandler } from '../../lib/index.js';
import { Gates, openAndDrain } from '../fixtures/gates.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';
import { waitUntil } from '../utils/wait.js';

// TaskContext.dependencies() gives a task the results of the tasks it
// depended on, by id: whether they completed before or after it was enqueued,
// and even once retention has removed their records.

let gates = new Gates();

@Injectable()
class ResultTasks {
  @TaskHandler('produce')
  async produce(payload: { value: unknown; gate?: string }) {
    if (payload.gate) await gates.pass(payload.gate);
    return payload.value;
  }

  @TaskHandler('produce.nothing')
  async nothing() {}

  @TaskHandler('consume')
  async consume(_payload: unknown, task: TaskContext) {
    return task.dependencies();
  }

  @TaskHandler('consume.ids')
  async consumeIds(_payload: unknown, task: TaskContext) {
    const deps = await task.dependencies();
    return Object.entries(deps).map(([id, value]) => ({ id, undefined: value === undefined }));
  }
}

describe('dependencies: TaskContext.dependencies()', () => {
  const prefix = uniquePrefix('deps-results');
  let t: TaskApp;

  beforeAll(async () => {
    t = await startTaskApp(prefix, [ResultTasks]);
  });

  beforeEach(() => {
    gates = new Gates();
  });

  afterEach(() => openAndDrain(gates, t.queue));

  afterAll(async () => {
    await t?.close();
    await removePrefix(prefix);
  });

  it('resolves to { [id]: result } of every dependency', async () => {
    const object = await t.queue.enqueue('produce', { value: { total: 42, items: ['a', 'b'] }, gate: 'object' });
    const number = await t.queue.enqueue('produce', { value: 7 }, { id: 'the-number' });
    const text = await t.queue.enqueue('produce', { value: 'done', gate: 'text' });
    const consumer = await t.queue.enqueue('consume', {}, { dependsOn: [object, 'the-number', text] });
    expect(await t.queue.get(consumer)).toMatchObject({ state: 'blocked' });

    gates.open('text');
    gates.open('object');
    await expect(t.queue.waitFor(consumer, { timeout: 5_000 })).resolves.toEqual({
      [object.id]: { total: 42, items: ['a', 'b'] },
      [number.id]: 7,
      [text.id]: 'done',
    });
  });

  it('lists a dependency whose handler returned nothing, with an undefined result', async () => {
    const none = await t.queue.enqueue('produce.nothing', {});
    const consumer = await t.queue.enqueue('consume.ids', {}, { dependsOn: [none] });
    await expect(t.queue.waitFor(consumer, { timeout: 5_000 })).resolves.toEqual([{ id: none.id, undefined: true }]);
  });

  it('includes a dependency that had already completed when the task was enqueued', async () => {
    const early = await t.queue.enqueue('produce', { value: { early: true } });
    await t.queue.waitFor(early, { timeout: 5_000 });

    const consumer = await t.queue.enqueue('consume', {}, { dependsOn: [early] });
    await expect(t.queue.waitFor(consumer, { timeout: 5_000 })).resolves.toEqual({ [early.id]: { early: true } });
  });

  it("keeps a dependency's result after retention removed the dependency's record", async () => {
    const gone = await t.queue.enqueue('produce', { value: { kept: 'yes' }, gate: 'gone' }, { removeOnComplete: true });
    const consumer = await t.queue.enqueue('consume', {}, { dependsOn: [gone] });
    await waitUntil(() => gates.held === 1, 'the dependency running');

    gates.open('gone');
    await expect(t.queue.waitFor(consumer, { timeout: 5_000 })).resolves.toEqual({ [gone.id]: { kept: 'yes' } });
    expect(await t.queue.get(gone)).toBeNull();
  });

  it('resolves to {} for a task without dependencies', async () => {
    const alone = await t.queue.enqueue('consume', {});
    await expect(t.queue.waitFor(alone, { timeout: 5_000 })).resolves.toEqual({});
  });
});
