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
  it('sends the calls of one event-loop turn as one batch, and answers each caller in order', async () => {
    const { engine, batches } = recordingEngine();
    const batcher = new EnqueueBatcher(engine);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => batcher.add({ queue: i % 2 ? 'a' : 'b', task: task(`t${i}`) })));
    expect(batches).toHaveLength(1);
    expect(batches[0]).toHaveLength(20);
    results.forEach((r, i) => expect(r.ref).toEqual({ id: `t${i}`, queue: i % 2 ? 'a' : 'b' }));
  });

  it('sends a full batch at once, so several are in flight, and the rest at the end of the turn', async () => {
    const { engine, batches } = recordingEngine();
    const batcher = new EnqueueBatcher(engine, 16);
    const calls = Array.from({ length: 40 }, (_, i) => batcher.add({ queue: 'q', task: task(`t${i}`) }));
    // Two full batches left during the turn, before anything was awaited.
    expect(batches.map((b) => b.length)).toEqual([16, 16]);
    const results = await Promise.all(calls);
    expect(batches.map((b) => b.length)).toEqual([16, 16, 8]);
    expect(batches.flat().map((i) => i.task.id)).toEqual(Array.from({ length: 40 }, (_, i) => `t${i}`));
    results.forEach((r, i) => expect(r.ref.id).toBe(`t${i}`));
  });

  it('starts a new batch for calls made after the previous one left', async () => {
    const { engine, batches } = recordingEngine();
    const batcher = new EnqueueBatcher(engine);
    await batcher.add({ queue: 'q', task: task('first') });
    await batcher.add({ queue: 'q', task: task('second') });
    expect(batches.map((b) => b.map((i) => i.task.id))).toEqual([['first'], ['second']]);
  });

  it('rejects every caller of a batch with the engine error', async () => {
    const boom = new Error('redis down');
    const { engine } = recordingEngine(boom);
    const batcher = new EnqueueBatcher(engine);
    const calls = [batcher.add({ queue: 'q', task: task('x') }), batcher.add({ queue: 'q', task: task('y') })];
    await expect(Promise.all(calls.map((c) => c.catch((e: unknown) => e)))).resolves.toEqual([boom, boom]);
  });
});
