import type { AttemptOutcome, FetchRequest, SettleReply } from '../../../lib/engine/attempt.js';
import type { TaskEngine } from '../../../lib/engine/task-engine.js';
import { ReplyOrder } from '../../../lib/worker/reply-order.js';
import { SETTLE_CHUNK_CHARS, SettleBatcher } from '../../../lib/worker/settle-batcher.js';
import { SlotLedger } from '../../../lib/worker/slot-ledger.js';

// The send time is on the library's monotonic clock: these specs step it with jest's fake timers.
jest.mock('../../../lib/timers/own-timers.js', () => jest.requireActual('../../utils/global-timers.js'));

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
const outcome = (id: string): AttemptOutcome => ({ lease: { id, token: `w:${id}` }, kind: 'completed', resultJson: undefined });

/** A store whose settle calls stay open until the test answers them. */
function heldStore() {
  const calls: Array<{ ids: string[]; answer: () => void }> = [];
  const engine = {
    settle: (_queue: string, outcomes: readonly AttemptOutcome[], _next: FetchRequest) =>
      new Promise<SettleReply>((resolve) => {
        calls.push({
          ids: outcomes.map((o) => o.lease.id),
          answer: () => resolve({ settled: outcomes.map(() => true), tasks: [], brokenIds: [], nextDueInMs: null }),
        });
      }),
  } as unknown as TaskEngine;
  return { engine, calls };
}

type WithRetry = <T>(call: () => Promise<T>) => Promise<T | null>;

function batcherOn(engine: TaskEngine, withRetry: WithRetry = (call) => call(), onReply: (reply: SettleReply, sentAt: number) => void = () => undefined) {
  const flushes: Array<Promise<void>> = [];
  const recorded: string[] = [];
  const discarded: string[] = [];
  const ledger = new SlotLedger(() => 10);
  const batcher = new SettleBatcher(
    'q',
    engine,
    ledger,
    new ReplyOrder(),
    (count) => ({ count, startNow: count, workerToken: 'w', leaseMs: 30_000, handlerLimits: new Map(), handlerNames: [] }),
    withRetry,
    onReply,
    () => true,
    (o) => discarded.push(o.lease.id),
    (o) => recorded.push(o.lease.id),
    (flush) => flushes.push(flush),
  );
  return { batcher, flushes, ledger, recorded, discarded };
}

describe('SettleBatcher', () => {
  it('tells which outcomes the store took and which it refused, once the reply is in', async () => {
    const engine = {
      settle: async (_queue: string, outcomes: readonly AttemptOutcome[]): Promise<SettleReply> => ({
        settled: outcomes.map((o) => o.lease.id !== 'lost'),
        tasks: [],
        brokenIds: [],
        nextDueInMs: null,
      }),
    } as unknown as TaskEngine;
    const { batcher, flushes, recorded, discarded } = batcherOn(engine);
    batcher.add(outcome('a'));
    batcher.add(outcome('lost'));
    batcher.add(outcome('b'));
    expect(recorded).toEqual([]);
    await Promise.all(flushes);
    expect(recorded).toEqual(['a', 'b']);
    expect(discarded).toEqual(['lost']);
  });

  it('records the outcomes of one event-loop turn in one call', async () => {
    const { engine, calls } = heldStore();
    const { batcher } = batcherOn(engine);
    batcher.add(outcome('a'));
    batcher.add(outcome('b'));
    await nextTurn();
    expect(calls.map((c) => c.ids)).toEqual([['a', 'b']]);
  });

  it('cuts a call at 64 MiB of results, a larger result going alone, the rest in the next call at once', async () => {
    const { engine, calls } = heldStore();
    const { batcher } = batcherOn(engine);
    const sized = (id: string, chars: number): AttemptOutcome => ({ lease: { id, token: `w:${id}` }, kind: 'completed', resultJson: 'x'.repeat(chars) });
    const mib = 1024 * 1024;
    batcher.add(sized('huge', 70 * mib));
    batcher.add(sized('a', 40 * mib));
    batcher.add(sized('b', 30 * mib));
    batcher.add(outcome('c'));
    await nextTurn();
    await nextTurn();
    // Two in flight at most: the third call waits for one of them.
    expect(calls.map((c) => c.ids)).toEqual([['huge'], ['a']]);
    expect(SETTLE_CHUNK_CHARS).toBe(64 * mib);
    calls[0].answer();
    await nextTurn();
    await nextTurn();
    expect(calls.map((c) => c.ids)).toEqual([['huge'], ['a'], ['b', 'c']]);
  });

  it('keeps two calls in flight at most; what finishes meanwhile leaves in one call when one is back', async () => {
    const { engine, calls } = heldStore();
    const { batcher, flushes } = batcherOn(engine);
    batcher.add(outcome('a'));
    await nextTurn();
    batcher.add(outcome('b'));
    await nextTurn();
    batcher.add(outcome('c'));
    await nextTurn();
    batcher.add(outcome('d'));
    await nextTurn();
    expect(calls.map((c) => c.ids)).toEqual([['a'], ['b']]);

    calls[0].answer();
    await flushes[0];
    await nextTurn();
    expect(calls.map((c) => c.ids)).toEqual([['a'], ['b'], ['c', 'd']]);

    calls[1].answer();
    calls[2].answer();
    await Promise.all(flushes);
    expect(flushes).toHaveLength(3);
  });
});

describe('SettleBatcher: outcomes it gives up on', () => {
  it('hands their leases to the ledger as unrecorded, and no longer renews them', async () => {
    const { engine } = heldStore();
    const { batcher, flushes, ledger } = batcherOn(engine, async () => null);
    batcher.add(outcome('a'));
    batcher.add(outcome('b'));
    expect(ledger.leases().map((l) => l.id)).toEqual(['a', 'b']);
    await nextTurn();
    await Promise.all(flushes);
    expect(ledger.leases()).toEqual([]);
    expect(ledger.unrecordedLeases()).toEqual([outcome('a').lease, outcome('b').lease]);
    // The task fetched again under a new lease: the old one was taken back.
    ledger.add({ task: { id: 'a', lease: { id: 'a', token: 'w:a2' } } as never, handler: undefined, attempt: null as never });
    expect(ledger.unrecordedLeases()).toEqual([outcome('b').lease]);
    // Forgotten only under the token it was given up with.
    ledger.forgetUnrecorded([{ id: 'b', token: 'w:other' }]);
    expect(ledger.unrecordedLeases()).toEqual([outcome('b').lease]);
    ledger.forgetUnrecorded([outcome('b').lease]);
    expect(ledger.unrecordedLeases()).toEqual([]);
  });
});

describe('SettleBatcher: the send time it reports with a reply', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('is when the call that got the reply was sent, the retry when there was one', async () => {
    jest.useFakeTimers({ now: 5_000, doNotFake: ['setImmediate', 'nextTick'] });
    const t0 = performance.now();
    const sent: number[] = [];
    const engine = {
      settle: async (_queue: string, outcomes: readonly AttemptOutcome[]) => {
        sent.push(performance.now() - t0);
        // An outage: the first call fails. The retry's reply is read 30 ms after it went out.
        if (sent.length === 1) throw new Error('connection lost');
        jest.advanceTimersByTime(30);
        return { settled: outcomes.map(() => true), tasks: [], brokenIds: [], nextDueInMs: 10 } satisfies SettleReply;
      },
    } as unknown as TaskEngine;
    const replies: number[] = [];
    // Retried 500 ms after the failure, as OutageReporter.retry does after a pause.
    const withRetry: WithRetry = async (call) => {
      try {
        return await call();
      } catch {
        jest.advanceTimersByTime(500);
        return call();
      }
    };
    const { batcher, flushes } = batcherOn(engine, withRetry, (_reply, sentAt) => replies.push(sentAt - t0));
    batcher.add(outcome('a'));
    await nextTurn();
    await Promise.all(flushes);
    expect(sent).toEqual([0, 500]);
    expect(replies).toEqual([500]);
  });
});
