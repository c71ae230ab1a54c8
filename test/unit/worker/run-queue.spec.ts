import type { RegisteredHandler } from '../../../lib/discovery/task-handler.registry.js';
import { BUFFER_HOLD_MS, PREFETCH_PAYLOAD_CHARS, RunQueue } from '../../../lib/worker/run-queue.js';

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

  it('counts what waits in its buffer apart, and the slots a task arriving now would start in', async () => {
    const runQueue = new RunQueue<ReturnType<typeof item>>(2, () => undefined);
    const h = handler('h');
    expect([runQueue.buffered, runQueue.freeSlots]).toEqual([0, 2]);
    const [a, b, c, d] = [item('a', h), item('b', h), item('c', h), item('d', h)];
    runQueue.offer(a);
    expect([runQueue.buffered, runQueue.freeSlots]).toEqual([0, 1]);
    [b, c, d].forEach((i) => runQueue.offer(i));
    expect([runQueue.buffered, runQueue.freeSlots]).toEqual([2, 0]);
    // A slot freed this turn is promised to a buffered task: none for a newcomer.
    runQueue.finished(a, 1);
    expect([runQueue.buffered, runQueue.freeSlots]).toEqual([2, 0]);
    await nextTurn();
    expect([runQueue.buffered, runQueue.freeSlots]).toEqual([1, 0]);
    runQueue.finished(b, 1);
    runQueue.finished(c, 1);
    await nextTurn();
    expect([runQueue.buffered, runQueue.freeSlots]).toEqual([0, 1]);
  });

  it('starts a task offered while older ones wait in the buffer after them, though a slot freed this turn', async () => {
    const started: string[] = [];
    const runQueue = new RunQueue<ReturnType<typeof item>>(1, (i) => started.push(i.name));
    const h = handler('h');
    const [a, b, c, d] = [item('a', h), item('b', h), item('c', h), item('d', h)];
    runQueue.offer(a);
    runQueue.offer(b);
    runQueue.finished(a, 0);
    // A fetch reply landing before the buffer's turn: its task is newer than b, which takes the slot.
    runQueue.offer(c);
    expect(started).toEqual(['a', 'b']);
    await nextTurn();
    expect(started).toEqual(['a', 'b']);
    runQueue.finished(b, 0);
    runQueue.offer(d);
    expect(started).toEqual(['a', 'b', 'c']);
    runQueue.finished(c, 0);
    await nextTurn();
    expect(started).toEqual(['a', 'b', 'c', 'd']);
  });

  /** A run queue whose handlers have all taken `ms` for the last many runs. */
  function afterRuns(concurrency: number, ms: number): RunQueue<ReturnType<typeof item>> {
    const runQueue = new RunQueue<ReturnType<typeof item>>(concurrency, () => undefined);
    const h = handler('h');
    for (let i = 0; i < 200; i++) {
      const it = item(`t${i}`, h);
      runQueue.offer(it);
      runQueue.finished(it, ms);
    }
    return runQueue;
  }

  it('prefetches nothing until handlers are known to be short, nor once they are long', () => {
    expect(new RunQueue<ReturnType<typeof item>>(4, () => undefined).prefetch).toBe(0);
    expect(afterRuns(4, 12).prefetch).toBe(0);
    expect(afterRuns(1, 500).prefetch).toBe(0);
  });

  it('learns nothing of run times from tasks that were not run (a buffered task whose lease was lost)', () => {
    const runQueue = afterRuns(2, 500);
    const h = handler('h');
    for (let i = 0; i < 50; i++) {
      const skipped = item(`s${i}`, h);
      runQueue.offer(skipped);
      runQueue.finished(skipped, null);
    }
    // Long handlers still get no buffer: a skip counted as a 0 ms run would have turned prefetch on.
    expect(runQueue.prefetch).toBe(0);
  });

  it('leases ahead about 20 ms of work while handlers are short, bounded by 64 or the concurrency', () => {
    // Well under a millisecond per run: the bound.
    expect(afterRuns(1, 0).prefetch).toBe(64);
    expect(afterRuns(10, 0).prefetch).toBe(64);
    // A higher concurrency keeps a buffer as large as itself.
    expect(afterRuns(100, 0).prefetch).toBe(100);
    // 5 ms runs: 4 tasks are 20 ms of work for one slot, 40 for ten slots.
    expect(afterRuns(1, 5).prefetch).toBe(4);
    expect(afterRuns(10, 5).prefetch).toBe(40);
    // Never less than the concurrency while short.
    expect(afterRuns(8, 9).prefetch).toBe(18);
    expect(afterRuns(3, 9).prefetch).toBe(7);
  });

  it('holds at most about 8 MiB of payloads ahead by the recent ones, whatever the concurrency, and lets go as they shrink', () => {
    const runQueue = afterRuns(10, 0);
    expect(runQueue.prefetch).toBe(64);
    const sized = (chars?: number) => ({ name: 'x', handler: undefined, task: chars === undefined ? {} : { payloadChars: chars } });
    const pass = (chars?: number) => {
      const one = sized(chars);
      runQueue.offer(one);
      runQueue.finished(one, 0);
    };
    pass(1024 * 1024);
    expect(runQueue.prefetch).toBe(PREFETCH_PAYLOAD_CHARS / (1024 * 1024));
    // One large payload counts at once: 20 MB ones are not leased ahead at all.
    pass(20 * 1024 * 1024);
    expect(runQueue.prefetch).toBe(0);
    // Small ones after it fade its weight out, back to the bound by work.
    for (let i = 0; i < 400; i++) pass();
    expect(runQueue.prefetch).toBe(64);
  });

  it('hands back at once what a fetch brings beyond that bound (sized while payloads were small), keeping the first that fit', async () => {
    const handedBack: string[] = [];
    const started: string[] = [];
    const runQueue = new RunQueue<{ name: string; handler: undefined; task: { payloadChars?: number } }>(
      1,
      (t) => started.push(t.name),
      (items) => handedBack.push(...items.map((t) => t.name)),
    );
    // Quick runs of small payloads first: the next fetch was sized for 64 ahead.
    for (let i = 0; i < 200; i++) {
      const small = { name: `s${i}`, handler: undefined, task: {} };
      runQueue.offer(small);
      runQueue.finished(small, 0);
    }
    expect(runQueue.prefetch).toBe(64);
    started.length = 0;
    // Then a fetch of ten 2 MB tasks: one starts, four fit in 8 MiB ahead, five go back.
    for (let i = 0; i < 10; i++) runQueue.offer({ name: `big${i}`, handler: undefined, task: { payloadChars: 2_000_000 } });
    await nextTurn();
    expect(started).toEqual(['big0']);
    expect(handedBack).toEqual(['big5', 'big6', 'big7', 'big8', 'big9']);
    expect(runQueue.drainWaiting().map((t) => t.name)).toEqual(['big1', 'big2', 'big3', 'big4']);
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

  describe('a buffer that waits while no run ends', () => {
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

    /** A queue of one slot that has learnt its handler is quick, so it buffers. */
    function quickQueue(handedBack: string[][]): RunQueue<ReturnType<typeof item>> {
      const runQueue = new RunQueue<ReturnType<typeof item>>(1, () => undefined, (items) => handedBack.push(items.map((i) => i.name)));
      const h = handler('h');
      for (let i = 0; i < 50; i++) {
        const it = item(`warm${i}`, h);
        runQueue.offer(it);
        runQueue.finished(it, 0);
      }
      return runQueue;
    }

    it('is handed back whole, and none is kept until a run ends', async () => {
      const handedBack: string[][] = [];
      const runQueue = quickQueue(handedBack);
      const h = handler('h');
      const [slow, b, c] = [item('slow', h), item('b', h), item('c', h)];
      expect(runQueue.prefetch).toBeGreaterThan(0);
      [slow, b, c].forEach((i) => runQueue.offer(i));
      await sleep(BUFFER_HOLD_MS + 300);
      expect(handedBack).toEqual([['b', 'c']]);
      // The slot is still held by the slow run: leasing ahead again would only strand the next ones the same way.
      expect(runQueue.prefetch).toBe(0);
      // What a fetch sent before the hand-back brings goes back too, together, at the end of the turn.
      runQueue.offer(item('late1', h));
      runQueue.offer(item('late2', h));
      expect(handedBack).toEqual([['b', 'c']]);
      await new Promise((resolve) => setImmediate(resolve));
      expect(handedBack).toEqual([['b', 'c'], ['late1', 'late2']]);
      expect(runQueue.drainWaiting()).toEqual([]);
      // Once a run ends, the average decides again (a run that took this little keeps it short).
      runQueue.finished(slow, 1);
      expect(runQueue.prefetch).toBeGreaterThan(0);
    });

    it('stays while runs go on ending, however long the buffer is never empty', async () => {
      const handedBack: string[][] = [];
      const runQueue = quickQueue(handedBack);
      const h = handler('h');
      let running = item('r0', h);
      runQueue.offer(running);
      runQueue.offer(item('next', h));
      for (let n = 1; n <= 6; n++) {
        await sleep(BUFFER_HOLD_MS / 4);
        // One run ends and a new task comes in behind the buffered one: the buffer never empties.
        runQueue.finished(running, 0);
        await new Promise((resolve) => setImmediate(resolve));
        running = item(`r${n}`, h);
        runQueue.offer(running);
      }
      expect(handedBack).toEqual([]);
      expect(runQueue.drainWaiting().length).toBeGreaterThan(0);
    });
  });
});
