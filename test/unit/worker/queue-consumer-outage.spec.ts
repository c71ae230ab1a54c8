import { Logger } from '@nestjs/common';
import { resolveTaskOptions } from '../../../lib/config/options.resolver.js';
import { fallbackPolicy } from '../../../lib/config/resolved-options.js';
import { normalizeHandlerOptions } from '../../../lib/discovery/handler-options.normalizer.js';
import { TaskHandlerRegistry } from '../../../lib/discovery/task-handler.registry.js';
import { RedisUnavailableError } from '../../../lib/errors/redis-unavailable.error.js';
import { TaskStoreError } from '../../../lib/errors/task-store.error.js';
import { SystemClock } from '../../../lib/memory/memory-clock.js';
import { MemoryStore } from '../../../lib/memory/memory-store.js';
import { MemoryTaskEngine } from '../../../lib/memory/memory-task-engine.js';
import { normalizeEnqueue } from '../../../lib/producer/enqueue-options.normalizer.js';
import { TaskTelemetry } from '../../../lib/telemetry/task-telemetry.js';
import { QueueConsumer } from '../../../lib/worker/queue-consumer.js';
import { WorkerEvents } from '../../../lib/worker/worker-events.js';
import { sleep, waitUntil } from '../../utils/wait.js';

// A handler returns while the store cannot take its outcome for longer than
// the lease. The run must be accounted for as it happened: recorded once the
// store is back, or, when the worker gives up on it, counted as an attempt by
// recovery. Never handed back as a lease the worker "never received", which
// refunds the attempt (the task then runs again under the same attempt number).

const LEASE_MS = 300;

/** A consumer on the in-memory engine (real time), whose store calls fail while `failure` is set. */
function consumerOnFlakyStore() {
  const options = resolveTaskOptions({ connection: 'redis://127.0.0.1:6379' });
  const engine = new MemoryTaskEngine(new MemoryStore(new SystemClock(), options), options);
  const state: { failure: (() => Error) | null } = { failure: null };
  for (const method of ['settle', 'renew', 'recover', 'fetch', 'release'] as const) {
    const real = (engine[method] as (...args: unknown[]) => Promise<unknown>).bind(engine);
    (engine as unknown as Record<string, unknown>)[method] = async (...args: unknown[]) => {
      if (state.failure) throw state.failure();
      return real(...args);
    };
  }
  const runs: number[] = [];
  const registry = new TaskHandlerRegistry();
  const settings = normalizeHandlerOptions({ name: 'mail.send' }, 'Mail.send', options.maxPayloadBytes);
  registry.register({
    ...settings,
    queue: 'default',
    source: 'Mail.send',
    invoke: async (_payload, task) => {
      runs.push(task.attempt);
      // The store goes away while the handler works: its outcome is the first call to fail.
      if (runs.length === 1) state.failure = failWith;
    },
  });
  let failWith: () => Error = () => new Error('not set');
  const consumer = new QueueConsumer(
    'default',
    engine,
    registry,
    { concurrency: 1, leaseMs: LEASE_MS, workerToken: 'w1', handlerLimits: new Map(), logMaxLines: 100, maxResultBytes: 512 * 1024, handlerNames: ['mail.send'] },
    new Logger('QueueConsumerOutageSpec'),
    new TaskTelemetry(engine, options),
    new WorkerEvents(),
  );
  const enqueue = () =>
    engine.add([normalizeEnqueue('mail.send', {}, { id: 'm1' }, settings.defaults, (q) => fallbackPolicy(options, q), options.maxPayloadBytes, () => 'm1')]);
  return {
    engine,
    consumer,
    runs,
    enqueue,
    /** Calls to the store fail with `error` from the first outcome on. */
    failFromFirstOutcome(error: () => Error) {
      failWith = error;
    },
    restore() {
      state.failure = null;
    },
  };
}

describe('QueueConsumer: an outcome the store cannot take for longer than the lease', () => {
  let stop: (() => Promise<unknown>) | null = null;
  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(async () => {
    await stop?.();
    stop = null;
    jest.restoreAllMocks();
  });

  it('waits for Redis to come back and records the run as it happened: one run, one attempt', async () => {
    const t = consumerOnFlakyStore();
    t.failFromFirstOutcome(() => new RedisUnavailableError('settle failed: Redis at 127.0.0.1:6379 is unreachable (connect ECONNREFUSED)'));
    await t.consumer.start();
    stop = () => t.consumer.stop(100);
    await t.enqueue();
    await waitUntil(() => t.runs.length === 1, 'the handler to run');
    // Out of reach for three leases: the worker used to give the outcome up after one.
    await sleep(3 * LEASE_MS);
    t.restore();
    await waitUntil(async () => (await t.engine.get('default', 'm1'))?.state === 'completed', 'the outcome to be recorded', 5_000);
    expect(await t.engine.get('default', 'm1')).toMatchObject({ state: 'completed', attempts: 1 });
    expect(t.runs).toEqual([1]);
  });

  it('when Redis answers with errors past a lease, gives the outcome up and lets recovery count the attempt', async () => {
    const t = consumerOnFlakyStore();
    t.failFromFirstOutcome(() => new TaskStoreError('settle failed: Redis at 127.0.0.1:6379 is out of memory', 'out-of-memory'));
    await t.consumer.start();
    stop = () => t.consumer.stop(100);
    await t.enqueue();
    await waitUntil(() => t.runs.length === 1, 'the handler to run');
    await sleep(2 * LEASE_MS);
    t.restore();
    // The renewal names the given-up lease, so it is not refunded as an orphan; recovery counts it.
    await waitUntil(() => t.runs.length === 2, 'the task to run again', 5_000);
    await waitUntil(async () => (await t.engine.get('default', 'm1'))?.state === 'completed', 'the second run to be recorded', 5_000);
    expect(t.runs).toEqual([1, 2]);
    expect(await t.engine.get('default', 'm1')).toMatchObject({ state: 'completed', attempts: 2 });
  });
});
