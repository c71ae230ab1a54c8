import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Span } from '@opentelemetry/api';
import { RESOLVED_TASK_OPTIONS, type ResolvedTaskOptions } from '../config/resolved-options.js';
import { TASK_ENGINE } from '../engine/engine.tokens.js';
import { REFUSED_WITH_BATCH, type AddResult, type QueuedTask } from '../engine/new-task.js';
import type { TaskEngine } from '../engine/task-engine.js';
import { InvalidTaskOptionsError } from '../errors/invalid-task-options.error.js';
import { loadOtelApi } from './otel-api.js';
import { QueueGaugeSet } from './queue-gauges.js';
import { TaskMetrics } from './task-metrics.js';
import { TaskTracing } from './task-tracing.js';
import { enableUntraced } from './untraced.js';
import { ATTR } from './semantic-attributes.js';

/**
 * OpenTelemetry for the producer and the worker: `tracing` and `metrics` stay
 * null when `@opentelemetry/api` is not installed, and record nothing while no
 * SDK is registered (one check per call). Everything is recorded in this
 * process: no Redis round trip is added to enqueue, fetch or settle; only the
 * gauges read Redis, at most once per `metrics.gaugeIntervalMs`.
 */
@Injectable()
export class TaskTelemetry implements OnModuleInit, OnApplicationShutdown {
  /** Spans of enqueues and attempts; null without `@opentelemetry/api`. */
  tracing: TaskTracing | null = null;
  /** Counters, histograms and queue gauges; null without `@opentelemetry/api`. */
  metrics: TaskMetrics | null = null;
  /** The queues whose gauges are reported. */
  readonly gauges: QueueGaugeSet;

  constructor(@Inject(TASK_ENGINE) engine: TaskEngine, @Inject(RESOLVED_TASK_OPTIONS) options: ResolvedTaskOptions) {
    this.gauges = new QueueGaugeSet((queue, maxAgeMs) => engine.gauges(queue, maxAgeMs), options.metrics.gaugeIntervalMs);
    for (const queue of options.queues.keys()) this.gauges.watch(queue);
  }

  async onModuleInit(): Promise<void> {
    const api = await loadOtelApi();
    if (api === null) return;
    enableUntraced(api);
    this.tracing = new TaskTracing(api);
    this.metrics = new TaskMetrics(api, (meter) => this.gauges.install(meter));
    // Creates the instruments now when an SDK is already registered, so the gauges report before any task moves.
    this.metrics.current();
  }

  /** Takes this app's counters and gauges off the SDK's meter (see TaskMetrics.close). */
  onApplicationShutdown(): void {
    this.metrics?.close();
  }

  /**
   * Starts the publish spans of an enqueue, storing their context in its
   * tasks: one per task, or one for a batch of `enqueueMany`. Null while
   * tracing is off.
   */
  startPublish(items: readonly QueuedTask[], batch = false): Span[] | null {
    if (this.tracing === null) return null;
    if (!batch || items.length === 1) return this.tracing.publish(items);
    const span = this.tracing.publishBatch(items);
    return span === null ? null : [span];
  }

  /** Counts an occurrence task a schedule firing of this process added. */
  occurrenceAdded(queue: string, name: string): void {
    if (this.metrics === null || this.metrics.current() === null) return;
    this.metrics.enqueued(queue, name, 1);
    this.gauges.watch(queue);
  }

  /** Ends an enqueue's spans (with each task's error, or the call's) and counts the tasks it added. */
  endPublish(spans: Span[] | null, items: readonly QueuedTask[], results: readonly AddResult[] | null, error?: unknown): void {
    // A task the store refused reaches the caller as an InvalidTaskOptionsError: its span says so too. A batch's
    // one span says what the caller is told: the first task refused on its own, not those refused with it.
    if (spans !== null) {
      const batched = spans.length !== items.length;
      // An enqueue by the id of a stored task adds nothing: its span says so, as no process span will follow it.
      if (results !== null) {
        const existed = (r: AddResult) => !r.created && r.error === undefined;
        if (!batched) results.forEach((r, i) => existed(r) && spans[i]!.setAttribute(ATTR.existed, true));
        else if (results.some(existed)) spans[0]!.setAttribute(ATTR.existingCount, results.filter(existed).length);
      }
      const errorOf = results === null ? () => error : batched ? () => refusal(batchRefusal(results)) : (i: number) => refusal(results[i].error);
      this.tracing!.published(spans, errorOf);
    }
    if (this.metrics === null || results === null || this.metrics.current() === null) return;
    for (let i = 0; i < items.length; i++) {
      if (!results[i].created) continue;
      this.metrics.enqueued(items[i].queue, items[i].task.name, 1);
      this.gauges.watch(items[i].queue);
    }
  }
}

function batchRefusal(results: readonly AddResult[]): string | undefined {
  return (results.find((r) => r.error !== undefined && r.error !== REFUSED_WITH_BATCH) ?? results.find((r) => r.error !== undefined))?.error;
}

function refusal(error: string | undefined): InvalidTaskOptionsError | undefined {
  return error === undefined ? undefined : new InvalidTaskOptionsError(error);
}
