import type { RegisteredHandler } from '../../../lib/discovery/task-handler.registry.js';
import { RunScheduler } from '../../../lib/worker/run-queue.js';

const handler = (name: string, concurrency: number | null = null): RegisteredHandler =>
  ({ name, queue: 'q', concurrency, globalConcurrency: null, policy: {}, invoke: async () => undefined, source: name }) as RegisteredHandler;
const item = (name: string, h?: RegisteredHandler) => ({ name, handler: h });
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('RunScheduler', () => {
  it('runs at most `concurrency` at once and starts buffered tasks on the next turn after a slot frees', async () => {
    const started: string[] = [];
    const scheduler = new RunScheduler<ReturnType<typeof item>>(2, (i) => started.push(i.name));
    const h = handler('h');
    const [a, b, c] = [item('a', h), item('b', h), item('c', h)];
    [a, b, c].forEach((i) => scheduler.offer(i));
    expect(started).toEqual(['a', 'b']);
    scheduler.finished(a, 1);
    expect(started).toEqual(['a', 'b']);
    await nextTurn();
    expect(started).toEqual(['a', 'b', 'c']);
  });

  it('prefetches only while handlers are short', () => {
    const scheduler = new RunScheduler<ReturnType<typeof item>>(4, () => undefined);
    expect(scheduler.prefetch).toBe(0);
    const h = handler('h');
    for (let i = 0; i < 40; i++) {
      const it = item(`t${i}`, h);
      scheduler.offer(it);
      scheduler.finished(it, 1);
    }
    expect(scheduler.prefetch).toBe(4);
    for (let i = 0; i < 40; i++) {
      const it = item(`s${i}`, h);
      scheduler.offer(it);
      scheduler.finished(it, 500);
    }
    expect(scheduler.prefetch).toBe(0);
  });

  it("hands a handler's freed slot to its next held task, and drains what has not started", () => {
    const started: string[] = [];
    const scheduler = new RunScheduler<ReturnType<typeof item>>(3, (i) => started.push(i.name));
    const one = handler('one', 1);
    const [a, b, c, d] = [item('a', one), item('b', one), item('c', one), item('d', one)];
    [a, b, c, d].forEach((i) => scheduler.offer(i));
    expect(started).toEqual(['a']);
    scheduler.finished(a, 1);
    expect(started).toEqual(['a', 'b']);
    expect(scheduler.drainWaiting().map((i) => i.name).sort()).toEqual(['c', 'd']);
  });
});
