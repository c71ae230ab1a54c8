import { Injectable } from '@nestjs/common';
import { context, propagation, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Redis } from 'ioredis';
import { InvalidTaskOptionsError, TaskContext, TaskHandler, TaskQueue, type TaskRef } from '../../lib/index.js';
import { startTestTracing, type TestTracing } from '../fixtures/otel-tracing.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { inspector, removePrefix, uniquePrefix } from '../utils/redis.js';
import { waitUntil } from '../utils/wait.js';

// OpenTelemetry traces with the SDK's in-memory exporter, in a Nest app with no
// HTTP: one trace runs from the span that enqueued to the handler's own spans.

const tracer = () => trace.getTracer('test');

@Injectable()
class TracedTasks {
  constructor(private readonly tasks: TaskQueue) {}

  @TaskHandler('traced.work')
  async work(payload: { followUp: boolean }) {
    tracer().startActiveSpan('handler step', (span) => span.end());
    if (payload.followUp) await this.tasks.enqueue('traced.followup', {});
    return 'worked';
  }

  @TaskHandler('traced.followup')
  followUp() {
    return 'followed';
  }

  @TaskHandler('traced.flaky', { attempts: 3, backoff: { type: 'fixed', delay: 10 } })
  flaky(_payload: unknown, task: TaskContext) {
    if (task.attempt < 3) throw new Error(`attempt ${task.attempt} fails`);
    return 'third time';
  }

  @TaskHandler('traced.tick')
  tick() {
    return 'tick';
  }

  @TaskHandler('traced.baggage')
  baggage() {
    const active = context.active();
    return { tenant: propagation.getBaggage(active)?.getEntry('tenant')?.value ?? null, traceId: trace.getSpanContext(active)?.traceId ?? null };
  }
}

/** A handler that ignores its signal: it ends only when the test lets it. */
@Injectable()
class StuckTasks {
  readonly started: string[] = [];
  release: () => void = () => undefined;

  @TaskHandler('traced.stuck', { queue: 'stuck' })
  async stuck(_payload: unknown, task: TaskContext) {
    this.started.push(task.id);
    await new Promise<void>((resolve) => (this.release = resolve));
  }
}

/** Runs `fn` inside a new active span named `name`, ends it, and returns the span with fn's result. */
async function inSpan<T>(name: string, fn: () => Promise<T>): Promise<{ span: Span; result: T }> {
  return tracer().startActiveSpan(name, async (span) => {
    try {
      return { span, result: await fn() };
    } finally {
      span.end();
    }
  });
}

const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
const byMessageId = (spans: ReadableSpan[], id: string) => spans.filter((s) => s.attributes['messaging.message.id'] === id);

describe('tracing', () => {
  const prefix = uniquePrefix('tracing');
  let t: TaskApp;
  let tracing: TestTracing;
  let redis: Redis;

  beforeAll(async () => {
    redis = inspector();
    // First without an SDK: nothing is recorded and the task record carries no trace context.
    const plain = await startTaskApp(`${prefix}-off`, [TracedTasks]);
    const ref = await plain.queue.enqueue('traced.followup', {});
    await plain.queue.waitFor(ref, { timeout: 5_000 });
    recordWithoutSdk = await redis.hgetall(`{${prefix}-off:default}:t:${ref.id}`);
    await plain.close();
    await removePrefix(`${prefix}-off`);

    tracing = startTestTracing();
    t = await startTaskApp(prefix, [TracedTasks]);
  });
  let recordWithoutSdk: Record<string, string>;
  afterAll(async () => {
    await t.close();
    await tracing.stop();
    await redis.quit();
    await removePrefix(prefix);
  });

  it('stores no trace context in the task record while no SDK is registered', () => {
    expect(recordWithoutSdk.n).toBe('traced.followup');
    expect(Object.keys(recordWithoutSdk)).not.toContain('tc');
  });

  it('stores the trace context as the bare traceparent, so the record of a waiting task stays a listpack', async () => {
    const { span, result: ref } = await inSpan('request', () => t.queue.enqueue('traced.tick', {}, { delay: 60_000 }));
    const key = `{${prefix}:default}:t:${ref.id}`;
    const tc = await redis.hget(key, 'tc');
    expect(tc).toMatch(new RegExp(`^00-${span.spanContext().traceId}-[0-9a-f]{16}-01$`));
    expect(await redis.object('ENCODING', key)).toBe('listpack');
    expect((await t.queue.get(ref.id))?.traceId).toBe(span.spanContext().traceId);
    expect(await t.queue.cancel(ref)).toBe(true);
  });

  it('puts the enqueue, the attempt, the handler spans and a follow-up task in the trace of the span that enqueued', async () => {
    const { span: request, result: ref } = await inSpan('request', () => t.queue.enqueue('traced.work', { followUp: true }));
    await t.queue.waitFor(ref, { timeout: 5_000 });
    const traceId = request.spanContext().traceId;

    await waitUntil(() => tracing.spans('process default').filter((s) => s.spanContext().traceId === traceId).length === 2, 'both process spans');
    const [publish] = byMessageId(tracing.spans('publish default'), ref.id);
    const [process] = byMessageId(tracing.spans('process default'), ref.id);
    expect(publish.kind).toBe(SpanKind.PRODUCER);
    expect(parentOf(publish)).toBe(request.spanContext().spanId);
    expect(publish.attributes).toMatchObject({
      'messaging.system': 'nestjs-redis-tasks',
      'messaging.destination.name': 'default',
      'messaging.operation.type': 'send',
      'messaging.message.id': ref.id,
      'nestjs_redis_tasks.task.name': 'traced.work',
    });
    expect(process.kind).toBe(SpanKind.CONSUMER);
    expect(process.spanContext().traceId).toBe(traceId);
    expect(parentOf(process)).toBe(publish.spanContext().spanId);
    expect(process.attributes).toMatchObject({ 'messaging.operation.type': 'process', 'nestjs_redis_tasks.task.attempt': 1, 'messaging.message.id': ref.id });

    const [step] = tracing.spans('handler step').filter((s) => s.spanContext().traceId === traceId);
    expect(parentOf(step)).toBe(process.spanContext().spanId);

    // The follow-up enqueued inside the handler: published under the attempt, processed under that.
    const followPublish = tracing.spans('publish default').find((s) => s.attributes['nestjs_redis_tasks.task.name'] === 'traced.followup' && s.spanContext().traceId === traceId)!;
    expect(parentOf(followPublish)).toBe(process.spanContext().spanId);
    const [followProcess] = byMessageId(tracing.spans('process default'), String(followPublish.attributes['messaging.message.id']));
    expect(parentOf(followProcess)).toBe(followPublish.spanContext().spanId);
  });

  it('records one span per attempt of a retried task, each a child of the enqueue span, failures with their exception', async () => {
    const { result: ref } = await inSpan('retrying request', () => t.queue.enqueue('traced.flaky', {}));
    await t.queue.waitFor(ref, { timeout: 5_000 });
    await waitUntil(() => byMessageId(tracing.spans('process default'), ref.id).length === 3, 'three attempt spans');
    const [publish] = byMessageId(tracing.spans('publish default'), ref.id);
    const attempts = byMessageId(tracing.spans('process default'), ref.id).sort(
      (a, b) => Number(a.attributes['nestjs_redis_tasks.task.attempt']) - Number(b.attributes['nestjs_redis_tasks.task.attempt']),
    );
    expect(attempts.map((s) => s.attributes['nestjs_redis_tasks.task.attempt'])).toEqual([1, 2, 3]);
    for (const span of attempts) expect(parentOf(span)).toBe(publish.spanContext().spanId);
    expect(attempts.map((s) => s.status.code)).toEqual([SpanStatusCode.ERROR, SpanStatusCode.ERROR, SpanStatusCode.UNSET]);
    expect(attempts[0].status.message).toBe('attempt 1 fails');
    expect(attempts[0].events.map((e) => [e.name, e.attributes?.['exception.message']])).toEqual([['exception', 'attempt 1 fails']]);
    expect(attempts[1].attributes['nestjs_redis_tasks.task.outcome']).toBe('retry');
    // The messaging conventions: a failed operation carries error.type; a successful one does not.
    expect(attempts.map((s) => s.attributes['error.type'])).toEqual(['Error', 'Error', undefined]);
  });

  it('continues the trace through a dependency: the dependent runs in the trace of the span that enqueued it', async () => {
    let dependent!: TaskRef;
    const { span: request } = await inSpan('fan-in request', async () => {
      const first = await t.queue.enqueue('traced.followup', {});
      dependent = await t.queue.enqueue('traced.followup', {}, { dependsOn: [first] });
    });
    await t.queue.waitFor(dependent, { timeout: 5_000 });
    await waitUntil(() => byMessageId(tracing.spans('process default'), dependent.id).length === 1, 'the dependent span');
    const [process] = byMessageId(tracing.spans('process default'), dependent.id);
    expect(process.spanContext().traceId).toBe(request.spanContext().traceId);
  });

  it('marks the publish span of a task the store refused with the error the caller gets', async () => {
    const refused = await t.queue.enqueue('traced.tick', {}, { id: 'refused-by-store', dependsOn: ['no-such-task'] }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(InvalidTaskOptionsError);
    const [publish] = byMessageId(tracing.spans('publish default'), 'refused-by-store');
    expect(publish.status.code).toBe(SpanStatusCode.ERROR);
    expect(publish.attributes['error.type']).toBe('InvalidTaskOptionsError');
    expect(publish.status.message).toContain('no-such-task');
  });

  it('marks the publish span of an enqueue that added nothing (its id was stored) as such, alone or in a batch', async () => {
    const first = await t.queue.enqueue('traced.tick', {}, { id: 'stored-once' });
    await t.queue.waitFor(first, { timeout: 5_000 });
    await t.queue.enqueue('traced.tick', {}, { id: 'stored-once' });
    const spans = byMessageId(tracing.spans('publish default'), 'stored-once');
    expect(spans.map((span) => span.attributes['nestjs_redis_tasks.task.existed'])).toEqual([undefined, true]);
    const { span: request } = await inSpan('bulk with a stored id', () =>
      t.queue.enqueueMany([
        { name: 'traced.tick', payload: {}, options: { id: 'stored-once' } },
        { name: 'traced.tick', payload: {} },
      ]),
    );
    const [batch] = tracing.spans('publish default').filter((span) => span.spanContext().traceId === request.spanContext().traceId);
    expect(batch!.attributes).toMatchObject({ 'messaging.batch.message_count': 2, 'nestjs_redis_tasks.batch.existing_count': 1 });
  });

  it('records an enqueueMany batch as one publish span with its size, the parent of every task it added', async () => {
    const { span: request, result: refs } = await inSpan('bulk request', () =>
      t.queue.enqueueMany([
        { name: 'traced.tick', payload: {} },
        { name: 'traced.tick', payload: {} },
        { name: 'traced.tick', payload: {} },
      ]),
    );
    await Promise.all(refs.map((ref) => t.queue.waitFor(ref, { timeout: 5_000 })));
    const traceId = request.spanContext().traceId;
    const publishes = tracing.spans('publish default').filter((s) => s.spanContext().traceId === traceId);
    expect(publishes).toHaveLength(1);
    expect(parentOf(publishes[0])).toBe(request.spanContext().spanId);
    expect(publishes[0].kind).toBe(SpanKind.PRODUCER);
    expect(publishes[0].attributes).toEqual({
      'messaging.system': 'nestjs-redis-tasks',
      'messaging.destination.name': 'default',
      'messaging.operation.type': 'send',
      'messaging.operation.name': 'publish',
      'messaging.batch.message_count': 3,
      'nestjs_redis_tasks.task.name': 'traced.tick',
    });
    await waitUntil(() => refs.every((ref) => byMessageId(tracing.spans('process default'), ref.id).length === 1), 'the three process spans');
    for (const ref of refs) expect(parentOf(byMessageId(tracing.spans('process default'), ref.id)[0])).toBe(publishes[0].spanContext().spanId);
  });

  it("names a batch over several queues 'publish', without a queue or a task name, and marks it with the refusal the caller gets", async () => {
    const { span: mixed, result: refs } = await inSpan('mixed bulk request', () =>
      t.queue.enqueueMany([
        { name: 'traced.tick', payload: {}, options: { delay: 60_000 } },
        { name: 'traced.followup', payload: {}, options: { queue: 'elsewhere', delay: 60_000 } },
      ]),
    );
    const [batch] = tracing.spans('publish').filter((s) => s.spanContext().traceId === mixed.spanContext().traceId);
    expect(batch.attributes['messaging.batch.message_count']).toBe(2);
    expect(Object.keys(batch.attributes)).not.toEqual(expect.arrayContaining(['messaging.destination.name']));
    expect(Object.keys(batch.attributes)).not.toEqual(expect.arrayContaining(['nestjs_redis_tasks.task.name']));
    for (const ref of refs) expect(await t.queue.cancel(ref)).toBe(true);

    const { span: refusedRequest, result: refused } = await inSpan('refused bulk request', () =>
      t.queue.enqueueMany([
        { name: 'traced.tick', payload: {} },
        { name: 'traced.tick', payload: {}, options: { dependsOn: ['no-such-dependency'] } },
      ]).catch((e: unknown) => e),
    );
    expect(refused).toBeInstanceOf(InvalidTaskOptionsError);
    const [span] = tracing.spans('publish default').filter((s) => s.spanContext().traceId === refusedRequest.spanContext().traceId);
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe('InvalidTaskOptionsError');
    expect(span.status.message).toContain('no-such-dependency');
  });

  it("runs the handler with the baggage of the context that enqueued, beside the attempt's span", async () => {
    const withTenant = propagation.setBaggage(context.active(), propagation.createBaggage({ tenant: { value: 'acme' } }));
    const { span: request, result: ref } = await context.with(withTenant, () => inSpan('request with baggage', () => t.queue.enqueue('traced.baggage', {})));
    const seen = await t.queue.waitFor(ref, { timeout: 5_000 });
    expect(seen).toEqual({ tenant: 'acme', traceId: request.spanContext().traceId });
  });

  it("ends the span of an attempt given up at shutdown as abandoned, though its handler ignores the signal and goes on", async () => {
    const stuck = await startTaskApp(`${prefix}-stuck`, [StuckTasks], { worker: { concurrency: 2, leaseMs: 5_000, shutdownGraceMs: 200 } });
    const tasks = stuck.app.get(StuckTasks);
    try {
      const ref = await stuck.queue.enqueue('traced.stuck', {});
      await waitUntil(() => tasks.started.includes(ref.id), 'the stuck task to start');
      await stuck.close();
      // The handler still runs: its span ended when the worker handed the task back.
      const [span] = byMessageId(tracing.spans('process stuck'), ref.id);
      expect(span.attributes['nestjs_redis_tasks.task.outcome']).toBe('abandoned');
      expect(span.kind).toBe(SpanKind.CONSUMER);
    } finally {
      tasks.release();
      await removePrefix(`${prefix}-stuck`);
    }
  });

  it('starts a new trace for each schedule occurrence, linked to the schedule() call', async () => {
    const { span: request } = await inSpan('schedule request', () => t.queue.schedule('traced-tick', 'traced.tick', {}, { every: 300 }));
    const occurrence = await waitUntil(
      () => tracing.spans('process default').find((s) => String(s.attributes['messaging.message.id']).startsWith('traced-tick@')),
      'an occurrence to run',
    );
    await t.queue.unschedule('traced-tick');
    expect(occurrence.spanContext().traceId).not.toBe(request.spanContext().traceId);
    expect(parentOf(occurrence)).toBeUndefined();
    expect(occurrence.links.map((l) => l.context.spanId)).toEqual([request.spanContext().spanId]);
  });
});
