import type { RegisteredHandler } from '../../../lib/discovery/task-handler.registry.js';
import { RunQueue } from '../../../lib/worker/run-queue.js';

const handler = (name: string, concurrency: number | null = null): RegisteredHandler =>
  ({ name, queue: 'q', concurrency, globalConcurrency: null, defaults: { queue: 'q', removeOnComplete: null, removeOnDead: null }, invoke: async () => undefined, source: name }) as RegisteredHandler;
const item = (name: string, h?: RegisteredHandler) => ({ name, handler: h });
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('RunQueue', () => {
  it('runs at most `concurrency` at once and starts buffered tasks on the next turn after a slot frees', async () => {
    const started: string[] = [];
    const runQueue = new RunQueue<ReturnType<typeof item>>(2, (i) => started.push(i.name));
    const h = handler('h');
    const [a, b, c] = [item('a', h), item('b', h), item('c', h)];
    [a, b, c].forEach((i) => runQueue.offer(i));
    expect(started).toEqual(['a', 'b']);
    runQueue.finished(a, 1);
    expect(started).toEqual(['a', 'b']);
    await nextTurn();
    expect(started).toEqual(['a', 'b', 'c']);
  });

  it('prefetches only while handlers are short', () => {
    const runQueue = new RunQueue<ReturnType<typeof item>>(4, () => undefined);
    expect(runQueue.prefetch).toBe(0);
    const h = handler('h');
    for (let i = 0; i < 40; i++) {
      const it = item(`t${i}`, h);
      runQueue.offer(it);
      runQueue.finished(it, 1);
    }
    expect(runQueue.prefetch).toBe(4);
    for (let i = 0; i < 40; i++) {
      const it = item(`s${i}`, h);
      runQueue.offer(it);
      runQueue.finished(it, 500);
    }
    expect(runQueue.prefetch).toBe(0);
  });

  it("hands a handler's freed slot to its next held task, and drains what has not started", () => {
    const started: string[] = [];
    const runQueue = new RunQueue<ReturnType<typeof item>>(3, (i) => started.push(i.name));
    const one = handler('one', 1);
    const [a, b, c, d] = [item('a', one), item('b', one), item('c', one), item('d', one)];
    [a, b, c, d].forEach((i) => runQueue.offer(i));
    expect(started).toEqual(['a']);
    runQueue.finished(a, 1);
    expect(started).toEqual(['a', 'b']);
    expect(runQueue.drainWaiting().map((i) => i.name).sort()).toEqual(['c', 'd']);
  });
});
