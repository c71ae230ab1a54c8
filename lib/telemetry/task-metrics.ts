import type { Attributes, BatchObservableCallback, Histogram, Meter, MeterProvider, ObservableCounter } from '@opentelemetry/api';
import type { AttemptOutcome } from '../engine/attempt.js';
import type { OtelApiModule } from './otel-api.js';
import { ATTR, INSTRUMENTATION_NAME } from './semantic-attributes.js';
import { timers } from '../timers/own-timers.js';

/** The metric names this library records (Prometheus shows dots as underscores, counters with `_total`). */
export const METRIC = {
  enqueued: 'nestjs_redis_tasks.tasks.enqueued',
  completed: 'nestjs_redis_tasks.tasks.completed',
  failedAttempts: 'nestjs_redis_tasks.tasks.failed_attempts',
  retried: 'nestjs_redis_tasks.tasks.retried',
  dead: 'nestjs_redis_tasks.tasks.dead',
  processDuration: 'nestjs_redis_tasks.task.process.duration',
  waitDuration: 'nestjs_redis_tasks.task.wait.duration',
  waiting: 'nestjs_redis_tasks.queue.waiting',
  delayed: 'nestjs_redis_tasks.queue.delayed',
  active: 'nestjs_redis_tasks.queue.active',
  deadNow: 'nestjs_redis_tasks.queue.dead',
  countsAge: 'nestjs_redis_tasks.queue.counts_age',
} as const;

/** Bucket bounds (ms) of the two histograms: from a millisecond to five minutes. */
const DURATION_BUCKETS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 300_000];

interface Instruments {
  processDuration: Histogram;
  waitDuration: Histogram;
}

/** A queue and task name's counts since the SDK registered, reported by the observable counters. */
interface Totals {
  attributes: Attributes;
  enqueued: number;
  completed: number;
  failedAttempts: number;
  retried: number;
  dead: number;
}

type CountName = Exclude<keyof Totals, 'attributes'>;

/** Called with each meter a registered SDK provides, to add the observable gauges to it; returns what takes them off again. */
export type GaugeInstaller = (meter: Meter) => () => void;

/**
 * Counters and histograms of tasks, recorded in this process with no Redis
 * round trip, only while a metrics SDK is registered: otherwise each call
 * costs one check of the global meter provider. The counters are observable:
 * a task adds one to a plain number here, and a collection reports the
 * totals, which costs far less per task than the SDK's `add` (which hashes
 * the attributes every call). Attributes: the queue and the task name (and
 * the outcome, for durations), one cached object per pair.
 */
export class TaskMetrics {
  private provider: MeterProvider | null = null;
  private instruments: Instruments | null = null;
  /** The class of this API copy's no-op meter: what the global provider hands out until an SDK registers. */
  private readonly noopMeter: unknown;
  /** queue -> task name ('' for lost attempts, whose name is not known) -> totals. */
  private readonly totals = new Map<string, Map<string, Totals>>();
  private readonly durationAttributes = new Map<string, Attributes>();
  /** Takes this app's gauges off the current meter: a closed app (or one whose SDK was replaced) reports none there. */
  private readonly gaugeDetachers: Array<() => void> = [];
  /** The counters' callback on the current meter. */
  private counterCallback: CounterCallback | null = null;
  private closed = false;

  constructor(private readonly api: OtelApiModule, private readonly installGauges: GaugeInstaller) {
    this.noopMeter = api.createNoopMeter().constructor;
  }

  /** The instruments of the registered SDK, made when it first shows up; null while none is registered. */
  current(): Instruments | null {
    if (this.closed) return null;
    const provider = this.api.metrics.getMeterProvider();
    if (provider === this.provider) return this.instruments;
    this.detach();
    this.provider = provider;
    const meter = provider.getMeter(INSTRUMENTATION_NAME);
    this.instruments = meter.constructor === this.noopMeter ? null : this.createInstruments(meter);
    if (this.instruments) this.gaugeDetachers.push(this.installGauges(meter));
    return this.instruments;
  }

  /**
   * The app is closing: its gauges leave the meter at once, and its counters
   * once the SDK's next collection has reported their last totals. An app is
   * usually closed before the SDK, whose shutdown exports one last time: the
   * tasks counted since the export before would otherwise be lost. Left on,
   * they would go on being reported, and keep what they hold alive, for as
   * long as the SDK lives (a test suite that starts many apps on one SDK).
   */
  close(): void {
    this.closed = true;
    this.instruments = null;
    this.counterCallback?.removeAfterNextCollection();
    this.counterCallback = null;
    this.detach();
  }

  /** Takes everything off the current meter (an SDK replaced by another: it reports nothing more of this app). */
  private detach(): void {
    for (const detach of this.gaugeDetachers.splice(0)) detach();
    this.counterCallback?.remove();
    this.counterCallback = null;
  }

  /** Counts the tasks an enqueue added (not those that already existed). */
  enqueued(queue: string, name: string, added: number): void {
    if (this.current() !== null && added > 0) this.totalsOf(queue, name).enqueued += added;
  }

  /** Records how long a task waited, from its due time to this attempt's start. */
  started(queue: string, name: string, waitedMs: number): void {
    const m = this.current();
    if (m !== null) m.waitDuration.record(waitedMs, this.totalsOf(queue, name).attributes);
  }

  /** Records how an attempt ended and how long it ran. */
  ended(queue: string, name: string, outcome: AttemptOutcome, durationMs: number): void {
    const m = this.current();
    if (m === null) return;
    const totals = this.totalsOf(queue, name);
    let kind: string = outcome.kind;
    if (outcome.kind === 'completed') {
      totals.completed++;
    } else if (outcome.kind === 'failed') {
      totals.failedAttempts++;
      if (outcome.then.action === 'retry') {
        kind = 'retry';
        totals.retried++;
      } else {
        kind = 'dead';
        totals.dead++;
      }
    }
    m.processDuration.record(durationMs, this.durationAttributesOf(queue, name, kind));
  }

  /** Counts attempts lost with their worker (lease expired), as the store recovered them; their task names are not known here. */
  recovered(queue: string, requeued: number, dead: number): void {
    if (this.current() === null || requeued + dead === 0) return;
    const totals = this.totalsOf(queue, '');
    totals.failedAttempts += requeued + dead;
    totals.retried += requeued;
    totals.dead += dead;
  }

  private totalsOf(queue: string, name: string): Totals {
    let byName = this.totals.get(queue);
    if (byName === undefined) this.totals.set(queue, (byName = new Map()));
    let totals = byName.get(name);
    if (totals === undefined) {
      const attributes: Attributes = { [ATTR.destination]: queue };
      if (name !== '') attributes[ATTR.taskName] = name;
      byName.set(name, (totals = { attributes, enqueued: 0, completed: 0, failedAttempts: 0, retried: 0, dead: 0 }));
    }
    return totals;
  }

  private durationAttributesOf(queue: string, name: string, outcome: string): Attributes {
    const key = `${queue}\n${name}\n${outcome}`;
    let attributes = this.durationAttributes.get(key);
    if (attributes === undefined) {
      attributes = { [ATTR.destination]: queue, [ATTR.taskName]: name, [ATTR.outcome]: outcome };
      this.durationAttributes.set(key, attributes);
    }
    return attributes;
  }

  private createInstruments(meter: Meter): Instruments {
    const counters: Record<CountName, ObservableCounter> = {
      enqueued: counter(meter, METRIC.enqueued, 'Tasks added to a queue'),
      completed: counter(meter, METRIC.completed, 'Attempts that completed their task'),
      failedAttempts: counter(meter, METRIC.failedAttempts, 'Attempts that failed (retried or not), including those lost with their worker'),
      retried: counter(meter, METRIC.retried, 'Failed attempts whose task will run again'),
      dead: counter(meter, METRIC.dead, 'Tasks that ended dead'),
    };
    this.counterCallback = new CounterCallback(meter, counters, this.totals);
    return {
      processDuration: histogram(meter, METRIC.processDuration, 'How long an attempt ran'),
      waitDuration: histogram(meter, METRIC.waitDuration, 'How long a task waited from its due time (enqueue, delay or retry) to the start of an attempt'),
    };
  }
}

/**
 * The batch callback that reports the counters' totals on one meter. It holds
 * the totals and the meter only, not the app: after a close it stays until
 * the next collection.
 */
class CounterCallback {
  private last = false;
  private readonly observe: BatchObservableCallback = (result) => {
    for (const byName of this.totals.values()) {
      for (const totals of byName.values()) {
        for (const name of Object.keys(this.counters) as CountName[]) if (totals[name] > 0) result.observe(this.counters[name], totals[name], totals.attributes);
      }
    }
    // Taken off after the collection that called it, not during it.
    if (this.last) timers.setImmediate(() => this.remove());
  };

  constructor(
    private readonly meter: Meter,
    private readonly counters: Record<CountName, ObservableCounter>,
    private readonly totals: ReadonlyMap<string, ReadonlyMap<string, Totals>>,
  ) {
    meter.addBatchObservableCallback(this.observe, Object.values(counters));
  }

  remove(): void {
    this.meter.removeBatchObservableCallback(this.observe, Object.values(this.counters));
  }

  removeAfterNextCollection(): void {
    this.last = true;
  }
}

function counter(meter: Meter, name: string, description: string): ObservableCounter {
  return meter.createObservableCounter(name, { description, unit: '{task}' });
}

function histogram(meter: Meter, name: string, description: string): Histogram {
  return meter.createHistogram(name, { description, unit: 'ms', advice: { explicitBucketBoundaries: DURATION_BUCKETS } });
}
