import { Logger } from '@nestjs/common';
import { resolveTaskOptions } from '../../../lib/config/options.resolver.js';
import { TaskHandlerRegistry } from '../../../lib/discovery/task-handler.registry.js';
import type { FetchReply, FetchRequest } from '../../../lib/engine/attempt.js';
import type { QueueWaker } from '../../../lib/engine/event-reader.js';
import type { TaskEngine } from '../../../lib/engine/task-engine.js';
import { TaskTelemetry } from '../../../lib/telemetry/task-telemetry.js';
import { QueueConsumer } from '../../../lib/worker/queue-consumer.js';
import { WorkerEvents } from '../../../lib/worker/worker-events.js';

// These specs step the worker's timers with jest's fake ones: the library's own timers follow the globals here.
jest.mock('../../../lib/timers/own-timers.js', () => jest.requireActual('../../utils/global-timers.js'));

const reply = (nextDueInMs: number | null): FetchReply => ({ tasks: [], brokenIds: [], nextDueInMs });

/**
 * A store whose queue is empty, whose replies come `replyMs` after the call
 * (a slow round trip, or a busy worker that reads them late), and whose
 * replies say the next delayed task is due `dueInMs` after the store ran the
 * call. Logs, as ms since the start, each poke of the waiting fetch: the
 * worker's local timer looking at the queue again.
 */
function slowStore(replyMs: number, dueInMs: number) {
  const start = Date.now();
  const pokes: number[] = [];
  // The wait in progress: ends with its reply (resolving twice is a no-op).
  let endWait: ((r: FetchReply) => void) | null = null;
  const waker: QueueWaker = {
    fetchAfterNews: (_request: FetchRequest) => new Promise<FetchReply>((resolve) => (endWait = resolve)),
    poke: () => {
      pokes.push(Date.now() - start);
      const end = endWait;
      // The poked wait's fetch runs now; its reply is read `replyMs` later.
      setTimeout(() => end?.(reply(dueInMs)), replyMs);
    },
    close: async () => endWait?.(reply(null)),
  };
  const engine = {
    fetch: () => new Promise<FetchReply>((resolve) => setTimeout(() => resolve(reply(dueInMs)), replyMs)),
    createWaker: async () => waker,
    renew: async () => ({ lost: [], orphans: 0 }),
    recover: async () => ({ requeued: 0, dead: 0, deadIds: [], workers: [], unstarted: 0 }),
    gauges: async () => ({ waiting: 0, active: 0, delayed: 0, dead: 0, oldestWaitingAgeMs: null }),
  } as unknown as TaskEngine;
  const options = resolveTaskOptions({ connection: 'redis://127.0.0.1:6379' });
  const consumer = new QueueConsumer(
    'default',
    engine,
    new TaskHandlerRegistry(),
    { concurrency: 4, leaseMs: 30_000, workerToken: 'w1', handlerLimits: new Map(), logMaxLines: 100, maxResultBytes: 512 * 1024, handlerNames: [] },
    new Logger('QueueConsumerDueTimesSpec'),
    new TaskTelemetry(engine, options),
    new WorkerEvents(),
  );
  return { consumer, pokes };
}

// "Due in N ms" is measured by the store when it runs the call; the worker
// reads the reply later. Counting N from the reply made the worker look at its
// queue late by the reply's delay, so a delayed task started that much late.
describe('QueueConsumer: when it looks again for a delayed task', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: 1_000_000, doNotFake: ['setImmediate', 'nextTick'] });
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('counts the due time of a fetch reply from when the fetch was sent, not from when its reply was read', async () => {
    const { consumer, pokes } = slowStore(40, 100);
    await consumer.start();
    try {
      // The first fetch's reply is read at 40 ms: due at 100 ms, not 140.
      await jest.advanceTimersByTimeAsync(100);
      expect(pokes).toEqual([]);
      await jest.advanceTimersByTimeAsync(1);
      expect(pokes).toEqual([101]);
    } finally {
      jest.useRealTimers();
      await consumer.stop(0);
    }
  });

  it('counts the due time of a poked wait from the poke', async () => {
    const { consumer, pokes } = slowStore(40, 100);
    await consumer.start();
    try {
      await jest.advanceTimersByTimeAsync(101);
      expect(pokes).toEqual([101]);
      // The poked wait's reply (due in 100 ms) is read at 141: the next look is at 202, not 242.
      await jest.advanceTimersByTimeAsync(100);
      expect(pokes).toEqual([101]);
      await jest.advanceTimersByTimeAsync(1);
      expect(pokes).toEqual([101, 202]);
    } finally {
      jest.useRealTimers();
      await consumer.stop(0);
    }
  });
});
