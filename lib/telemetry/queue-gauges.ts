import type { BatchObservableResult, Meter, Observable } from '@opentelemetry/api';
import type { QueueGauges } from '../engine/task-maintenance.js';
import { within } from '../timers/own-timers.js';
import { ATTR } from './semantic-attributes.js';
import { untraced } from './untraced.js';
import { METRIC } from './task-metrics.js';

/**
 * How long a collection waits for the counts. A Redis that hangs (a frozen
 * server, a partition: no reply and no error) would otherwise hold every
 * collection, and with it every other metric of the app's scrape.
 */
export const GAUGE_READ_WAIT_MS = 1_000;

/** Reads one queue's gauge counts (TaskEngine.gauges: counted at most once per interval across the fleet). */
export type GaugeReader = (queue: string, maxAgeMs: number) => Promise<QueueGauges>;

interface Cached {
  /** When the counts were last read (local ms; 0: never). */
  at: number;
  /** When this process began to report the queue (local ms): the counts' age until a first read works. */
  since: number;
  /** Null while the last read failed. */
  value: QueueGauges | null;
  pending: Promise<void> | null;
}

/**
 * The observable gauges waiting, delayed, active and dead, per queue. A
 * collection (a Prometheus scrape, a periodic export) reports the counts this
 * process read last; it reads them again (one Redis call per queue) only when
 * they are older than the interval, and Redis counts them only when the
 * fleet's shared snapshot is older than that too. So however many instances
 * are scraped however often, each queue is counted at most once per interval,
 * and each instance reports the same fleet-wide values. A fifth gauge, the
 * counts' age, is reported whether the last read worked or not: while Redis
 * is out of reach (a read failed, or is still unanswered after
 * GAUGE_READ_WAIT_MS) the counts are not observed, but most SDKs go on
 * exporting the last values they saw, and the growing age is what tells they are stale.
 */
export class QueueGaugeSet {
  private readonly queues = new Set<string>();
  private readonly cache = new Map<string, Cached>();

  constructor(
    private readonly read: GaugeReader,
    private readonly intervalMs: number,
    private readonly readWaitMs = GAUGE_READ_WAIT_MS,
  ) {}

  /** Adds queues to report (those with handlers here, those configured, those this app enqueues to). */
  watch(queue: string): void {
    this.queues.add(queue);
  }

  /** Creates the gauges on a meter, with one callback that observes them all; returns what removes that callback. */
  install(meter: Meter): () => void {
    const gauge = (name: string, description: string) => meter.createObservableGauge(name, { description, unit: '{task}' });
    const gauges: Record<keyof QueueGauges, Observable> = {
      waiting: gauge(METRIC.waiting, 'Tasks waiting to run, fleet-wide'),
      delayed: gauge(METRIC.delayed, 'Tasks delayed until a due time, fleet-wide'),
      active: gauge(METRIC.active, 'Tasks running, fleet-wide'),
      dead: gauge(METRIC.deadNow, 'Dead tasks kept, fleet-wide'),
    };
    const age = meter.createObservableGauge(METRIC.countsAge, {
      description: 'How long ago this process last read the queue counts from Redis: it grows while Redis is out of reach',
      unit: 'ms',
    });
    const observables = [...Object.values(gauges), age];
    const callback = (result: BatchObservableResult) => this.observe(result, gauges, age);
    meter.addBatchObservableCallback(callback, observables);
    return () => meter.removeBatchObservableCallback(callback, observables);
  }

  private async observe(result: BatchObservableResult, gauges: Record<keyof QueueGauges, Observable>, age: Observable): Promise<void> {
    const queues = [...this.queues];
    // A read still unanswered after the wait goes on (one at a time per queue); this collection reports the age only.
    await within(Promise.all(queues.map((queue) => this.refresh(queue))), this.readWaitMs, []);
    const now = Date.now();
    for (const queue of queues) {
      const cached = this.cache.get(queue);
      if (!cached) continue;
      const attributes = { [ATTR.destination]: queue };
      // Never read yet (an app started while Redis is down): as old as this process's wait for them.
      result.observe(age, now - (cached.at || cached.since), attributes);
      const value = cached.pending ? null : cached.value;
      if (value) for (const key of Object.keys(gauges) as Array<keyof QueueGauges>) result.observe(gauges[key], value[key], attributes);
    }
  }

  /** Reads a queue's counts when this process's copy is older than the interval (one read at a time per queue). */
  private refresh(queue: string): Promise<void> {
    let cached = this.cache.get(queue);
    if (cached === undefined) this.cache.set(queue, (cached = { at: 0, since: Date.now(), value: null, pending: null }));
    if (cached.pending) return cached.pending;
    if (Date.now() - cached.at < this.intervalMs) return Promise.resolve();
    const entry = cached;
    entry.pending = untraced(() => this.read(queue, this.intervalMs)).then(
      (value) => {
        entry.value = value;
        entry.at = Date.now();
      },
      // Redis unreachable: the counts are not observed (the age goes on growing), and read again at the next collection.
      () => {
        entry.value = null;
      },
    ).finally(() => {
      entry.pending = null;
    });
    return entry.pending;
  }
}
