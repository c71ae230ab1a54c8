import { Injectable } from '@nestjs/common';
import { TaskFailedError, TaskHandler, type TaskContext } from '../../lib/index.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { startTestingApp, type TestingApp } from '../fixtures/testing-app.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';

// A Map or a Set has no JSON form: JSON.stringify writes it as {}, and its
// contents were lost without a word, in a payload, a result or a progress
// report. Each is refused now, naming where the collection was.

@Injectable()
class CollectionTasks {
  @TaskHandler('order.totals', { attempts: 3 })
  totals() {
    return { order: 'o-1', bySku: new Map([['sku-1', 2]]) };
  }

  @TaskHandler('order.progress')
  async progress(_payload: unknown, task: TaskContext) {
    try {
      await task.progress({ seen: new Set(['sku-1']) });
      return 'reported';
    } catch (error) {
      return `${(error as Error).name}: ${(error as Error).message}`;
    }
  }
}

const RESULT_REFUSED =
  'handler returned a value JSON cannot encode: result.bySku is a Map, which JSON stores as {} (its contents would be lost): ' +
  'send Object.fromEntries(map) or Array.from(map) instead';

describe('a Map or a Set in what a task carries', () => {
  const prefix = uniquePrefix('json-coll');
  let t: TaskApp;

  beforeAll(async () => {
    t = await startTaskApp(prefix, [CollectionTasks], { defaults: { attempts: 3 } });
  });
  afterAll(async () => {
    await t?.close();
    await removePrefix(prefix);
  });

  it('in a payload is refused by enqueueMany, naming the item and the place, and nothing of the batch is written', async () => {
    const before = await t.queue.counts();
    const items = [
      { name: 'order.totals', payload: { order: 'o-1' } },
      { name: 'order.totals', payload: { order: 'o-2', lines: [{ tags: new Set(['gift']) }] } },
    ];
    await expect(t.queue.enqueueMany(items)).rejects.toThrow(
      new TypeError(
        "enqueueMany item 1: enqueue('order.totals'): the payload cannot be encoded as JSON: payload.lines[0].tags is a Set, " +
          'which JSON stores as {} (its contents would be lost): send Array.from(set) instead',
      ),
    );
    expect(await t.queue.counts()).toEqual(before);
  });

  it('in a result fails the task for good, the attempt saying where, rather than completing with {}', async () => {
    const ref = await t.queue.enqueue('order.totals', {});
    await expect(t.queue.waitFor(ref, { timeout: 10_000 })).rejects.toThrow(TaskFailedError);
    expect(await t.queue.get(ref)).toMatchObject({ state: 'dead', attempts: 1, error: { message: RESULT_REFUSED } });
  });

  it('in a progress report throws a TypeError to the handler, naming the place', async () => {
    const ref = await t.queue.enqueue('order.progress', {});
    await expect(t.queue.waitFor(ref, { timeout: 10_000 })).resolves.toBe(
      'TypeError: task order.progress: progress must be JSON: progress.seen is a Set, which JSON stores as {} (its contents would be lost): ' +
        'send Array.from(set) instead',
    );
    expect((await t.queue.get(ref))?.progress).toBeUndefined();
  });
});

describe('a Map or a Set in the test mode', () => {
  let t: TestingApp;

  beforeAll(async () => {
    t = await startTestingApp([CollectionTasks]);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is refused in a payload and a result as with Redis', async () => {
    await expect(t.queue.enqueue('order.totals', { bySku: new Map() })).rejects.toThrow(/payload\.bySku is a Map, which JSON stores as \{\}/);
    const ref = await t.queue.enqueue('order.totals', {});
    await t.tester.drain();
    expect(await t.queue.get(ref)).toMatchObject({ state: 'dead', attempts: 1, error: { message: RESULT_REFUSED } });
  });
});
