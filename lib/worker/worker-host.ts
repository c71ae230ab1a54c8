import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { TaskHandlerRegistry } from '../discovery/task-handler.registry.js';
import { leftOutQueues, servedQueues } from '../discovery/served-queues.js';
import { RESOLVED_TASK_OPTIONS, queueSettings, type ResolvedTaskOptions } from '../config/resolved-options.js';
import { TASK_ENGINE } from '../engine/engine.tokens.js';
import type { TaskEngine } from '../engine/task-engine.js';
import { QueueConsumer } from './queue-consumer.js';
import { TaskTelemetry } from '../telemetry/task-telemetry.js';
import { untraced } from '../telemetry/untraced.js';
import { timers, within } from '../timers/own-timers.js';
import { MAX_TIMER_MS } from '../config/option-ranges.js';
import { WorkerEvents } from './worker-events.js';
import { WorkerHeartbeat } from './worker-heartbeat.js';
import type { WorkerStatus, WorkerStatusSource } from './worker-status.js';

/**
 * How long after the grace period shutdown waits for Redis to answer: more
 * than the hand-backs and settles retried through an outage (a few seconds
 * each), so only a Redis that stopped answering altogether runs it out.
 */
const STALLED_STOP_MS = 10_000;

/**
 * The worker of this app: one consumer per queue that has handlers here.
 * Starts consuming at bootstrap, once every module is initialised, and drains
 * in beforeApplicationShutdown, before the Redis connections close.
 */
@Injectable()
export class WorkerHost implements OnApplicationBootstrap, BeforeApplicationShutdown, WorkerStatusSource {
  private readonly logger = new Logger('TaskModule');
  private consumers: QueueConsumer[] = [];
  private stopped: Promise<void> | null = null;
  private heartbeat: WorkerHeartbeat | null = null;

  /** @internal Made by Nest's injector (left out of the built types, which would name optional peers). */
  constructor(
    @Inject(TASK_ENGINE) private readonly engine: TaskEngine,
    @Inject(RESOLVED_TASK_OPTIONS) private readonly options: ResolvedTaskOptions,
    private readonly registry: TaskHandlerRegistry,
    private readonly telemetry: TaskTelemetry,
    private readonly events: WorkerEvents,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const worker = this.options.worker;
    const queues = servedQueues(this.options, this.registry);
    // Redis first: the store's own wait (connectTimeoutMs) and error, not a heartbeat's quick failure, and
    // no line saying what this app runs before bootstrap is known to succeed.
    await this.engine.ready();
    if (!worker) {
      this.logger.log(`producer only (worker: false); prefix '${this.options.prefix}'`);
      return;
    }
    if (queues.size === 0) {
      this.logger.log(`no @TaskHandler methods found: this app only produces tasks; prefix '${this.options.prefix}'`);
      return;
    }
    // Short and unique per process: it is stored in every lease this worker holds.
    const workerToken = `${process.pid.toString(36)}.${randomBytes(4).toString('hex')}`;
    for (const queue of queues.keys()) this.telemetry.gauges.watch(queue);
    const consumers = [...queues].map(([queue, handlers]) => {
      const concurrency = queueSettings(this.options, queue).concurrency ?? worker.concurrency;
      const settings = {
        concurrency,
        leaseMs: worker.leaseMs,
        workerToken,
        handlerLimits: this.registry.limitsOf(queue),
        handlerNames: handlers.map((h) => h.name),
        logMaxLines: this.options.taskLogs.maxLines,
        maxResultBytes: this.options.maxResultBytes,
      };
      return new QueueConsumer(queue, this.engine, this.registry, settings, this.logger, this.telemetry, this.events);
    });
    const heartbeat = new WorkerHeartbeat(this.engine, workerToken, worker.leaseMs, () =>
      consumers.map((c) => ({ queue: c.queue, handlers: [...c.handlerNames], concurrency: c.concurrency, running: c.running, buffered: c.buffered })),
      this.logger,
    );
    try {
      // Advertised before fetching: another worker meeting a task of a handler only this one has must know it is live.
      // The loops these start inherit the suppressed context (see untraced.ts).
      await untraced(() => heartbeat.start());
      this.heartbeat = heartbeat;
      for (const consumer of consumers) {
        await untraced(() => consumer.start());
        this.consumers.push(consumer);
      }
    } catch (error) {
      await Promise.all(this.consumers.map((c) => c.stop(0)));
      await this.heartbeat?.stop();
      throw error;
    }
    const summary = [...queues]
      .map(([queue, handlers]) => {
        const own = queueSettings(this.options, queue).concurrency;
        return `'${queue}'${own === null ? '' : ` x${own}`} (${handlers.map((h) => h.name + (h.concurrency ? ` x${h.concurrency}` : '')).join(', ')})`;
      })
      .join('; ');
    // There is no process-wide cap: the queues' limits add up (40 queues at 10 is 400 handlers at once).
    const total = consumers.reduce((sum, c) => sum + c.concurrency, 0);
    const atOnce = consumers.length > 1 ? ` (up to ${total} tasks at once over ${consumers.length} queues)` : '';
    const left = leftOutQueues(this.options, this.registry);
    const notServed = left.length === 0 ? '' : `; not served here (worker.queues): ${left.map((q) => `'${q}'`).join(', ')}`;
    this.logger.log(
      `worker started: concurrency ${worker.concurrency} per queue${atOnce}, lease ${worker.leaseMs} ms, prefix '${this.options.prefix}'; queues ${summary}${notServed}`,
    );
  }

  /** Whether this app's worker is meant to run and runs, and how busy each queue's consumer is. */
  status(): WorkerStatus {
    const enabled = servedQueues(this.options, this.registry).size > 0;
    return {
      enabled,
      running: enabled && this.consumers.length > 0 && this.stopped === null,
      queues: this.consumers.map((c) => ({ queue: c.queue, running: c.running, buffered: c.buffered, concurrency: c.concurrency, oldestRunningMs: c.oldestRunningMs() })),
    };
  }

  /**
   * Drains the consumers (see QueueConsumer.stop), then stops the heartbeat.
   * Bounded: a Redis that keeps its connections but stops answering (and no
   * commandTimeout) would hold its replies, and app.close() with them,
   * forever. Past the grace period and STALLED_STOP_MS more, shutdown goes
   * on and the connections close: what was still held runs again once its
   * lease runs out.
   */
  beforeApplicationShutdown(): Promise<void> {
    if (this.stopped) return this.stopped;
    const graceMs = this.options.worker?.shutdownGraceMs ?? 0;
    const since = timers.monotonicMs();
    const draining = Promise.all(this.consumers.map((c) => c.stop(graceMs))).then(async (summaries) => {
      await this.heartbeat?.stop();
      return summaries;
    });
    // Within a timer's range: past it Node fires at once, cutting the drain short.
    const boundMs = Math.min(graceMs + STALLED_STOP_MS, MAX_TIMER_MS);
    this.stopped = within(draining, boundMs, null).then((summaries) => {
      if (summaries) {
        if (this.consumers.length === 0) return;
        // The start-up line's end: a stop that logged nothing read as a crash or a hang in a log.
        const finished = summaries.reduce((sum, s) => sum + s.finished, 0);
        const handedBack = summaries.reduce((sum, s) => sum + s.handedBack, 0);
        this.logger.log(`worker stopped in ${Math.round(timers.monotonicMs() - since)} ms: ${finished} running task(s) finished, ${handedBack} handed back to their queue`);
      } else {
        for (const consumer of this.consumers) consumer.cutShort();
        void this.heartbeat?.stop();
        this.logger.warn(
          `Redis did not answer during the worker's shutdown (${boundMs} ms); closing anyway: tasks still held by this ` +
            'worker run again once their leases run out (set connection.commandTimeout to bound each call)',
        );
      }
    });
    return this.stopped;
  }
}
