import type { Attributes, Context, Span, Tracer, TracerProvider } from '@opentelemetry/api';
import type { AttemptOutcome, FetchedTask } from '../engine/attempt.js';
import type { QueuedTask } from '../engine/new-task.js';
import type { OtelApiModule } from './otel-api.js';
import { ATTR, INSTRUMENTATION_NAME, MESSAGING_SYSTEM } from './semantic-attributes.js';
import { extractCarrier, injectCarrier } from './trace-carrier.js';

/**
 * An attempt's span, and the context its handler runs in: the span set on the
 * context its task carried, so what else the enqueue's context propagated
 * (baggage) reaches the handler too.
 */
export interface AttemptSpan {
  span: Span;
  context: Context;
}

/**
 * PRODUCER spans for enqueues and CONSUMER spans for attempts, recorded only
 * while a tracing SDK is registered: otherwise each call costs one check of
 * the global tracer provider and returns null.
 *
 * Parent or link: an attempt's span is a child of its task's enqueue span,
 * every attempt alike (a retry continues the same trace: it processes the
 * same message). A schedule occurrence starts a trace of its own, linked to
 * the schedule() call that made it, so a schedule saved once does not grow
 * one trace forever. See docs/observability.md.
 */
export class TaskTracing {
  private provider: TracerProvider | null = null;
  private tracer: Tracer | null = null;
  /** The no-op provider of this copy of the API: what the global one delegates to until an SDK registers. */
  private readonly noop: TracerProvider;

  constructor(private readonly api: OtelApiModule) {
    this.noop = new api.ProxyTracerProvider().getDelegate();
  }

  /** The tracer while an SDK is registered, else null. */
  private current(): Tracer | null {
    const provider = this.api.trace.getTracerProvider();
    const delegate = provider instanceof this.api.ProxyTracerProvider ? provider.getDelegate() : provider;
    if (delegate === this.noop) return null;
    if (provider !== this.provider) {
      this.provider = provider;
      this.tracer = provider.getTracer(INSTRUMENTATION_NAME);
    }
    return this.tracer;
  }

  /**
   * Starts a `publish <queue>` span per task, children of the active context,
   * and stores each span's context in its task (`traceContext`). Null when tracing is off.
   */
  publish(items: readonly QueuedTask[]): Span[] | null {
    const tracer = this.current();
    if (tracer === null) return null;
    const { api } = this;
    const active = api.context.active();
    return items.map(({ queue, task }) => {
      const span = tracer.startSpan(
        `publish ${queue}`,
        {
          kind: api.SpanKind.PRODUCER,
          attributes: {
            [ATTR.system]: MESSAGING_SYSTEM,
            [ATTR.destination]: queue,
            [ATTR.operationType]: 'send',
            [ATTR.operationName]: 'publish',
            [ATTR.messageId]: task.id,
            [ATTR.taskName]: task.name,
          },
        },
        active,
      );
      task.traceContext = injectCarrier(api, api.trace.setSpan(active, span));
      return span;
    });
  }

  /**
   * Starts one `publish <queue>` span for a batch (`publish` when it spans
   * queues), with the batch's size, and stores its context in every task: a
   * bulk enqueue of thousands is one span, not thousands, as the messaging
   * conventions model a batch send. Null when tracing is off.
   */
  publishBatch(items: readonly QueuedTask[]): Span | null {
    const tracer = this.current();
    if (tracer === null) return null;
    const { api } = this;
    const active = api.context.active();
    const queue = items.every((item) => item.queue === items[0].queue) ? items[0].queue : undefined;
    const name = items.every((item) => item.task.name === items[0].task.name) ? items[0].task.name : undefined;
    const attributes: Attributes = {
      [ATTR.system]: MESSAGING_SYSTEM,
      [ATTR.operationType]: 'send',
      [ATTR.operationName]: 'publish',
      [ATTR.batchCount]: items.length,
    };
    // An attribute the SDK is handed as undefined is a warning of its own: left out instead.
    if (queue !== undefined) attributes[ATTR.destination] = queue;
    if (name !== undefined) attributes[ATTR.taskName] = name;
    const span = tracer.startSpan(queue === undefined ? 'publish' : `publish ${queue}`, { kind: api.SpanKind.PRODUCER, attributes }, active);
    const carrier = injectCarrier(api, api.trace.setSpan(active, span));
    for (const { task } of items) task.traceContext = carrier;
    return span;
  }

  /** Ends publish spans, each with its task's error (`errorOf(i)`) when it was not added. */
  published(spans: readonly Span[], errorOf: (index: number) => unknown): void {
    for (let i = 0; i < spans.length; i++) {
      const error = errorOf(i);
      if (error !== undefined) this.fail(spans[i], error instanceof Error ? error : { message: String(error) });
      spans[i].end();
    }
  }

  /** The active context as a carrier, for a schedule's occurrences to link to; undefined when tracing is off or no span is active. */
  activeCarrier(): string | undefined {
    if (this.current() === null) return undefined;
    const active = this.api.context.active();
    return this.api.trace.getSpan(active) === undefined ? undefined : injectCarrier(this.api, active);
  }

  /** Starts the `process <queue>` span of one attempt; null when tracing is off. */
  startAttempt(queue: string, task: FetchedTask): AttemptSpan | null {
    const tracer = this.current();
    if (tracer === null) return null;
    const { api } = this;
    const parent = task.traceContext === undefined ? api.ROOT_CONTEXT : extractCarrier(api, task.traceContext);
    const linked = task.traceLink === undefined ? undefined : api.trace.getSpanContext(extractCarrier(api, task.traceLink));
    const span = tracer.startSpan(
      `process ${queue}`,
      {
        kind: api.SpanKind.CONSUMER,
        attributes: {
          [ATTR.system]: MESSAGING_SYSTEM,
          [ATTR.destination]: queue,
          [ATTR.operationType]: 'process',
          [ATTR.operationName]: 'process',
          [ATTR.messageId]: task.id,
          [ATTR.taskName]: task.name,
          [ATTR.attempt]: task.attempt,
        },
        links: linked === undefined ? undefined : [{ context: linked }],
      },
      parent,
    );
    return { span, context: api.trace.setSpan(parent, span) };
  }

  /** Runs `fn` in the attempt's context, so the handler's own spans are children of its span and it sees the task's baggage. */
  within<T>(attempt: AttemptSpan, fn: () => T): T {
    return this.api.context.with(attempt.context, fn);
  }

  /** Ends an attempt's span: a failed attempt records its exception and an error status. Null outcome: the attempt was abandoned. */
  endAttempt({ span }: AttemptSpan, outcome: AttemptOutcome | null): void {
    if (outcome === null) {
      span.setAttribute(ATTR.outcome, 'abandoned');
    } else if (outcome.kind === 'failed') {
      span.setAttribute(ATTR.outcome, outcome.then.action === 'retry' ? 'retry' : 'dead');
      this.fail(span, outcome.error);
    } else {
      span.setAttribute(ATTR.outcome, outcome.kind);
    }
    span.end();
  }

  private fail(span: Span, error: { message: string; name?: string; stack?: string }): void {
    const type = error.name ?? 'Error';
    span.recordException({ name: type, message: error.message, stack: error.stack });
    // The conventions require error.type on a failed operation: the error's class, low in cardinality.
    span.setAttribute(ATTR.errorType, type);
    span.setStatus({ code: this.api.SpanStatusCode.ERROR, message: error.message });
  }
}
