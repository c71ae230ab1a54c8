import { EnqueueBatcher } from '../../../lib/producer/enqueue-batcher.js';
import type { AddResult, NewTask } from '../../../lib/engine/new-task.js';
import type { TaskEngine } from '../../../lib/engine/task-engine.js';

const task = (id: string): NewTask => ({
  id,
  name: 'n',
  payloadJson: '{}',
  priority: 0,
  delayMs: 0,
  runAt: null,
  maxAttempts: 1,
  backoff: null,
  timeoutMs: 0,
  dependsOn: [],
  dependencyFailure: 'dead',
  removeOnComplete: null,
  removeOnDead: null,
});

/** Records each add() batch; only add() is used by the batcher. */
function recordingEngine(fail?: Error) {
  const batches: Array<Array<{ queue: string; task: NewTask }>> = [];
  const engine = {
    add: async (items: ReadonlyArray<{ queue: string; task: NewTask }>): Promise<AddResult[]> => {
      batches.push([...items]);
      if (fail) throw fail;
      return items.map((item) => ({ ref: { id: item.task.id!, queue: item.queue }, created: true }));
    },
  } as unknown as TaskEngine;
  return { engine, batches };
}

describe('EnqueueBatcher', () => {
  it('sends the first call of an idle producer at once, and the rest of its turn as one batch, answering each caller in order', async () => {
    const { engine, batches } = recordingEngine();
    const batcher = new EnqueueBatcher(engine);
    const calls = Array.from({ length: 20 }, (_, i) => batcher.add({ queue: i % 2 ? 'a' : 'b', task: task(`t${i}`) }));
    // Nothing was in flight: the first call left before the turn ended.
    expect(batches.map((b) => b.length)).toEqual([1]);
    const results = await Promise.all(calls);
    // The rest of the turn, one engine call per queue, sent together.
    expect(batches.map((b) => [b[0].queue, b.length])).toEqual([['b', 1], ['a', 10], ['b', 9]]);
    results.forEach((r, i) => expect(r.ref).toEqual({ id: `t${i}`, queue: i % 2 ? 'a' : 'b' }));
  });

  it('cuts the calls of a turn into batches of equal size, so that neither the store nor the producer waits on a larger one', async () => {
    const { engine, batches } = recordingEngine();
    const batcher = new EnqueueBatcher(engine, 16);
    const calls = Array.from({ length: 26 }, (_, i) => batcher.add({ queue: 'q', task: task(`t${i}`) }));
    // The first call alone (idle); the other 25 at the end of the turn, as 12 and 13 rather than 16 and 9.
    expect(batches.map((b) => b.length)).toEqual([1]);
    const results = await Promise.all(calls);
    expect(batches.map((b) => b.length)).toEqual([1, 12, 13]);
    expect(batches.flat().map((i) => i.task.id)).toEqual(Array.from({ length: 26 }, (_, i) => `t${i}`));
    results.forEach((r, i) => expect(r.ref.id).toBe(`t${i}`));
  });

  it('sends a long burst as it goes, two full batches at a time, so several are in flight, and the rest at the end of the turn', async () => {
    const { engine, batches } = recordingEngine();
    const batcher = new EnqueueBatcher(engine, 16);
    const calls = Array.from({ length: 41 }, (_, i) => batcher.add({ queue: 'q', task: task(`t${i}`) }));
    // The first call alone (idle), then two full batches once 32 calls wait, before anything was awaited.
    expect(batches.map((b) => b.length)).toEqual([1, 16, 16]);
    const results = await Promise.all(calls);
    expect(batches.map((b) => b.length)).toEqual([1, 16, 16, 8]);
    expect(batches.flat().map((i) => i.task.id)).toEqual(Array.from({ length: 41 }, (_, i) => `t${i}`));
    results.forEach((r, i) => expect(r.ref.id).toBe(`t${i}`));
  });

  it('sends each call at once when the producer awaits every enqueue and is idle in between', async () => {
    const { engine, batches } = recordingEngine();
    const batcher = new EnqueueBatcher(engine);
    await batcher.add({ queue: 'q', task: task('first') });
    // The answer came in an earlier turn: the producer is idle again.
    await new Promise((resolve) => setImmediate(resolve));
    const second = batcher.add({ queue: 'q', task: task('second') });
    expect(batches.map((b) => b.map((i) => i.task.id))).toEqual([['first'], ['second']]);
    await second;
  });

  it('batches the calls of callers that an answer resumes in the same turn', async () => {
    const { engine, batches } = recordingEngine();
    const batcher = new EnqueueBatcher(engine);
    await batcher.add({ queue: 'q', task: task('first') });
    // Resumed by the answer, in the turn it arrived in: these share one batch instead of the first going alone.
    const next = [0, 1, 2].map((i) => batcher.add({ queue: 'q', task: task(`next${i}`) }));
    expect(batches).toHaveLength(1);
    await Promise.all(next);
    expect(batches.map((b) => b.map((i) => i.task.id))).toEqual([['first'], ['next0', 'next1', 'next2']]);
  });

  it('batches the calls made while a batch is in flight', async () => {
    const batches: string[][] = [];
    const answers: Array<() => void> = [];
    const engine = {
      add: (items: ReadonlyArray<{ queue: string; task: NewTask }>): Promise<AddResult[]> => {
        batches.push(items.map((i) => i.task.id!));
        return new Promise((resolve) => answers.push(() => resolve(items.map((i) => ({ ref: { id: i.task.id!, queue: i.queue }, created: true })))));
      },
    } as unknown as TaskEngine;
    const batcher = new EnqueueBatcher(engine);
    const first = batcher.add({ queue: 'q', task: task('first') });
    await new Promise((resolve) => setImmediate(resolve));
    // A later turn, the first batch still unanswered: these wait for the end of the turn and leave together.
    const more = [batcher.add({ queue: 'q', task: task('a') }), batcher.add({ queue: 'q', task: task('b') })];
    expect(batches).toEqual([['first']]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([['first'], ['a', 'b']]);
    answers.forEach((answer) => answer());
    await expect(Promise.all([first, ...more]).then((rs) => rs.map((r) => r.ref.id))).resolves.toEqual(['first', 'a', 'b']);
  });

  it("gives a caller only its own queue's error: the callers of a healthy queue in the same turn get their results", async () => {
    const down = new Error('the node of queue b is down');
    const engine = {
      add: async (items: ReadonlyArray<{ queue: string; task: NewTask }>): Promise<AddResult[]> => {
        if (items.some((item) => item.queue === 'b')) throw down;
        return items.map((item) => ({ ref: { id: item.task.id!, queue: item.queue }, created: true }));
      },
    } as unknown as TaskEngine;
    const batcher = new EnqueueBatcher(engine);
    const first = batcher.add({ queue: 'a', task: task('first') });
    const calls = ['a', 'b', 'a', 'b'].map((queue, i) => batcher.add({ queue, task: task(`t${i}`) }));
    const outcomes = await Promise.all([first, ...calls].map((c) => c.then((r) => r.ref.id, (e: unknown) => e)));
    expect(outcomes).toEqual(['first', 't0', down, 't2', down]);
  });

  it('rejects every caller of a batch with the engine error', async () => {
    const boom = new Error('redis down');
    const { engine } = recordingEngine(boom);
    const batcher = new EnqueueBatcher(engine);
    const calls = [batcher.add({ queue: 'q', task: task('x') }), batcher.add({ queue: 'q', task: task('y') }), batcher.add({ queue: 'q', task: task('z') })];
    await expect(Promise.all(calls.map((c) => c.catch((e: unknown) => e)))).resolves.toEqual([boom, boom, boom]);
  });
});
