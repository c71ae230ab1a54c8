import type { Attributes, Counter, Histogram, Meter, MeterProvider } from '@opentelemetry/api';
import type { AttemptOutcome } from '../engine/attempt.js';
import type { OtelApiModule } from './otel-api.js';
import { ATTR, INSTRUMENTATION_NAME } from './semantic-attributes.js';

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
} as const;

/** Bucket bounds (ms) of the two histograms: from a millisecond to five minutes. */
const DURATION_BUCKETS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 300_000];

interface Instruments {
  meter: Meter;
  enqueued: Counter;
  completed: Counter;
  failedAttempts: Counter;
  retried: Counter;
  dead: Counter;
  processDuration: Histogram;
  waitDuration: Histogram;
}

/** Called with each meter a registered SDK provides, to add the observable gauges to it. */
export type GaugeInstaller = (meter: Meter) => void;

/**
 * Counters and histograms of tasks, recorded in this process with no Redis
 * round trip, only while a metrics SDK is registered: otherwise each call
 * costs one check of the global meter provider. Attributes: the queue and
 * the task name (and the outcome, for durations), one cached object per pair.
 */
export class TaskMetrics {
  private provider: MeterProvider | null = null;
  private instruments: Instruments | null = null;
  /** The class of this API copy's no-op meter: what the global provider hands out until an SDK registers. */
  private readonly noopMeter: unknown;
  private readonly attributes = new Map<string, Attributes>();

  constructor(private readonly api: OtelApiModule, private readonly installGauges: GaugeInstaller) {
    this.noopMeter = api.createNoopMeter().constructor;
  }

  /** The instruments of the registered SDK, made when it first shows up; null while none is registered. */
  current(): Instruments | null {
    const provider = this.api.metrics.getMeterProvider();
    if (provider === this.provider) return this.instruments;
    this.provider = provider;
    const meter = provider.getMeter(INSTRUMENTATION_NAME);
    this.instruments = meter.constructor === this.noopMeter ? null : createInstruments(meter);
    if (this.instruments) this.installGauges(meter);
    return this.instruments;
  }

  /** Counts the tasks an enqueue added (not those that already existed). */
  enqueued(queue: string, name: string, added: number): void {
    const m = this.current();
    if (m !== null && added > 0) m.enqueued.add(added, this.attributesOf(queue, name));
  }

  /** Records how long a task waited, from its due time to this attempt's start. */
  started(queue: string, name: string, waitedMs: number): void {
    const m = this.current();
    if (m !== null) m.waitDuration.record(waitedMs, this.attributesOf(queue, name));
  }

  /** Records how an attempt ended and how long it ran. */
  ended(queue: string, name: string, outcome: AttemptOutcome, durationMs: number): void {
    const m = this.current();
    if (m === null) return;
    const attributes = this.attributesOf(queue, name);
    let kind: string = outcome.kind;
    if (outcome.kind === 'completed') {
      m.completed.add(1, attributes);
    } else if (outcome.kind === 'failed') {
      m.failedAttempts.add(1, attributes);
      kind = outcome.then.action === 'retry' ? 'retry' : 'dead';
      (outcome.then.action === 'retry' ? m.retried : m.dead).add(1, attributes);
    }
    m.processDuration.record(durationMs, this.attributesOf(queue, name, kind));
  }

  /** Counts attempts lost with their worker (lease expired), as the store recovered them; their task names are not known here. */
  recovered(queue: string, requeued: number, dead: number): void {
    const m = this.current();
    if (m === null || requeued + dead === 0) return;
    const attributes = this.attributesOf(queue, null);
    m.failedAttempts.add(requeued + dead, attributes);
    if (requeued > 0) m.retried.add(requeued, attributes);
    if (dead > 0) m.dead.add(dead, attributes);
  }

  private attributesOf(queue: string, name: string | null, outcome?: string): Attributes {
    const key = `${queue}\n${name ?? ''}\n${outcome ?? ''}`;
    let attributes = this.attributes.get(key);
    if (attributes === undefined) {
      attributes = { [ATTR.destination]: queue };
      if (name !== null) attributes[ATTR.taskName] = name;
      if (outcome !== undefined) attributes[ATTR.outcome] = outcome;
      this.attributes.set(key, attributes);
    }
    return attributes;
  }
}

function createInstruments(meter: Meter): Instruments {
  const counter = (name: string, description: string) => meter.createCounter(name, { description, unit: '{task}' });
  const histogram = (name: string, description: string) =>
    meter.createHistogram(name, { description, unit: 'ms', advice: { explicitBucketBoundaries: DURATION_BUCKETS } });
  return {
    meter,
    enqueued: counter(METRIC.enqueued, 'Tasks added to a queue'),
    completed: counter(METRIC.completed, 'Attempts that completed their task'),
    failedAttempts: counter(METRIC.failedAttempts, 'Attempts that failed (retried or not), including those lost with their worker'),
    retried: counter(METRIC.retried, 'Failed attempts whose task will run again'),
    dead: counter(METRIC.dead, 'Tasks that ended dead'),
    processDuration: histogram(METRIC.processDuration, 'How long an attempt ran'),
    waitDuration: histogram(METRIC.waitDuration, 'How long a task waited from its due time (enqueue, delay or retry) to the start of an attempt'),
  };
}
