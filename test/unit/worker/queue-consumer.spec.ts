import { Logger } from '@nestjs/common';
import { resolveTaskOptions } from '../../../lib/config/options.resolver.js';
import { fallbackPolicy } from '../../../lib/config/resolved-options.js';
import { normalizeHandlerOptions } from '../../../lib/discovery/handler-options.normalizer.js';
import { TaskHandlerRegistry } from '../../../lib/discovery/task-handler.registry.js';
import type { QueueWaker } from '../../../lib/engine/event-reader.js';
import { VirtualClock } from '../../../lib/memory/memory-clock.js';
import { MemoryStore } from '../../../lib/memory/memory-store.js';
import { MemoryTaskEngine } from '../../../lib/memory/memory-task-engine.js';
import { normalizeEnqueue } from '../../../lib/producer/enqueue-options.normalizer.js';
import { TaskTelemetry } from '../../../lib/telemetry/task-telemetry.js';
import { QueueConsumer } from '../../../lib/worker/queue-consumer.js';
import { WorkerEvents } from '../../../lib/worker/worker-events.js';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/**
 * A consumer on the in-memory engine whose waker logs each wait for news, and
 * one handler whose pipeline takes `hops` microtask hops before the handler
 * body runs (as Nest's guards, interceptors and pipes do), logging its start.
 * A plain fetch logs the event-loop turn after its reply: what the worker does
 * before it, it does at once.
 */
function consumerWithLog(hops: number) {
  const options = resolveTaskOptions({ connection: 'redis://127.0.0.1:6379' });
  const engine = new MemoryTaskEngine(new MemoryStore(new VirtualClock(), options), options);
  const log: string[] = [];
  const fetch = engine.fetch.bind(engine);
  engine.fetch = async (queue, request) => {
    const reply = await fetch(queue, request);
    setImmediate(() => log.push('turn after fetch'));
    return reply;
  };
  const createWaker = engine.createWaker.bind(engine);
  engine.createWaker = async (queue: string): Promise<QueueWaker> => {
    const waker = await createWaker(queue);
    return {
      fetchAfterNews: (request, timeoutMs) => {
        log.push('wait for news');
        return waker.fetchAfterNews(request, timeoutMs);
      },
      poke: () => waker.poke(),
      close: () => waker.close(),
    };
  };
  const registry = new TaskHandlerRegistry();
  const settings = normalizeHandlerOptions({ name: 'report.build' }, 'Reports.build', options.maxPayloadBytes);
  registry.register({
    ...settings,
    queue: 'default',
    source: 'Reports.build',
    invoke: async (payload, ctx) => {
      for (let i = 0; i < hops; i++) await null;
      log.push(`handler ${String((payload as { n: number }).n)}`);
      // A handler that runs until its signal aborts, as one outlasting the shutdown grace period does.
      if ((payload as { hang?: boolean }).hang) await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
    },
  });
  const consumer = new QueueConsumer(
    'default',
    engine,
    registry,
    { concurrency: 4, leaseMs: 30_000, workerToken: 'w1', handlerLimits: new Map(), logMaxLines: 100, maxResultBytes: 512 * 1024, handlerNames: ['report.build'] },
    new (class extends Logger {
      override warn(message: unknown) {
        log.push(`warn: ${String(message)}`);
      }
    })('QueueConsumerSpec'),
    new TaskTelemetry(engine, options),
    new WorkerEvents(),
  );
  let ids = 0;
  const enqueue = (n: number, hang = false) =>
    engine.add([normalizeEnqueue('report.build', { n, hang }, undefined, settings.defaults, (q) => fallbackPolicy(options, q), options.maxPayloadBytes, () => `t${++ids}`)]);
  return { consumer, enqueue, log };
}

async function until(check: () => boolean): Promise<void> {
  for (let turn = 0; turn < 1_000 && !check(); turn++) await nextTurn();
  if (!check()) throw new Error('condition not met within 1,000 event-loop turns');
}

describe('QueueConsumer', () => {
  it.each([1, 10, 50])('starts the handlers of a fetch that got fewer tasks than asked before it waits for news (pipeline of %i hops)', async (hops) => {
    const { consumer, enqueue, log } = consumerWithLog(hops);
    await enqueue(1);
    await enqueue(2);
    await consumer.start();
    try {
      await until(() => log.includes('wait for news'));
      // Two tasks came for four free slots: both handlers ran before the worker began waiting, a turn later.
      expect(log.slice(0, 4)).toEqual(['handler 1', 'handler 2', 'turn after fetch', 'wait for news']);
    } finally {
      await consumer.stop(1_000);
    }
  });

  it('waits for news at once when a fetch got nothing', async () => {
    const { consumer, enqueue, log } = consumerWithLog(1);
    await consumer.start();
    try {
      await until(() => log.includes('turn after fetch'));
      expect(log).toEqual(['wait for news', 'turn after fetch']);
      // The wait ends with the next enqueue, whose task then runs.
      await enqueue(3);
      await until(() => log.includes('handler 3'));
      expect(log.slice(0, 3)).toEqual(['wait for news', 'turn after fetch', 'handler 3']);
    } finally {
      await consumer.stop(1_000);
    }
  });

  it('says which tasks it aborted and handed back when the shutdown grace period ends', async () => {
    const { consumer, enqueue, log } = consumerWithLog(1);
    await enqueue(1, true);
    await enqueue(2, true);
    await consumer.start();
    await until(() => log.includes('handler 2'));
    await consumer.stop(20);
    expect(log.filter((line) => line.startsWith('warn: '))).toEqual([
      "warn: queue 'default': 2 task(s) still running when the shutdown grace period (20 ms) ended were aborted and are handed back, attempt not counted: t1, t2",
    ]);
  });
});
