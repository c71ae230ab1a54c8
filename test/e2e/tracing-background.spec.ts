import { Injectable } from '@nestjs/common';
import { trace, type Span } from '@opentelemetry/api';
import { Redis } from 'ioredis';
import { OnTaskEvent, TaskHandler, TaskQueue, type TaskEvent } from '../../lib/index.js';
import { startTestTracing, type TestTracing } from '../fixtures/otel-tracing.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { REDIS_URL, removePrefix, uniquePrefix } from '../utils/redis.js';
import { sleep, waitUntil } from '../utils/wait.js';

// Under an ioredis auto-instrumentation every Redis command becomes a span.
// The library's own background commands (fetch waits, renewals, heartbeats,
// schedule passes, event reads) must not each start a trace of their own;
// the commands of an enqueue and those a handler sends stay in their traces.
// The instrumentation is stood in for by a wrapper of ioredis' sendCommand
// that starts a span per command in the active context, as such an
// instrumentation does.

const COMMAND_SCOPE = 'stand-in-ioredis-instrumentation';

@Injectable()
class BackgroundTasks {
  constructor(private readonly tasks: TaskQueue) {}

  @TaskHandler('bg.work')
  async work() {
    // A command of the handler's own: traced in its attempt.
    await own.ping();
    return 'done';
  }

  /** A listener's own work is the app's: traced, though the events reach it from the library's untraced reader. */
  @OnTaskEvent('completed', { queue: 'default' })
  completed(event: TaskEvent) {
    if (event.name === 'bg.work') trace.getTracer('test').startSpan('listener step').end();
  }

  @TaskHandler('bg.tick', { schedule: { every: 200 } })
  tick() {
    return this.tasks !== undefined;
  }
}

let own: Redis;

describe('tracing: the library\'s background Redis commands', () => {
  const prefix = uniquePrefix('tracing-bg');
  const original = Redis.prototype.sendCommand;
  let tracing: TestTracing;
  let t: TaskApp;

  beforeAll(async () => {
    tracing = startTestTracing();
    Redis.prototype.sendCommand = function (this: Redis, command: Parameters<Redis['sendCommand']>[0], stream?: Parameters<Redis['sendCommand']>[1]) {
      const span: Span = trace.getTracer(COMMAND_SCOPE).startSpan(`redis ${command.name}`);
      const sent = original.call(this, command, stream);
      void command.promise.then(
        () => span.end(),
        () => span.end(),
      );
      return sent;
    } as Redis['sendCommand'];
    own = new Redis(REDIS_URL);
    t = await startTaskApp(prefix, [BackgroundTasks], { worker: { concurrency: 2, leaseMs: 1_000, shutdownGraceMs: 500 } });
  });

  afterAll(async () => {
    await t?.close();
    await own?.quit();
    Redis.prototype.sendCommand = original;
    await tracing.stop();
    await removePrefix(prefix);
  });

  it("start no trace of their own, while an enqueue's and a handler's commands stay in their traces", async () => {
    // Bootstrap's one-off commands (server checks, script loads) run in the caller's context: not what this is about.
    tracing.exporter.reset();
    const ref = await trace.getTracer('test').startActiveSpan('request', async (span) => {
      try {
        return await t.queue.enqueue('bg.work', {});
      } finally {
        span.end();
      }
    });
    await expect(t.queue.waitFor(ref, { timeout: 10_000 })).resolves.toBe('done');
    const commandsOf = () => tracing.exporter.getFinishedSpans().filter((s) => s.instrumentationScope.name === COMMAND_SCOPE);
    const all = tracing.exporter.getFinishedSpans();
    // The enqueue's script in the request's trace, the handler's PING in its attempt's.
    const request = all.find((s) => s.name === 'request')!;
    expect(commandsOf().some((s) => s.spanContext().traceId === request.spanContext().traceId && s.name === 'redis evalsha')).toBe(true);
    const attempt = all.find((s) => s.name === 'process default' && s.attributes['messaging.message.id'] === ref.id)!;
    await waitUntil(() => tracing.spans('listener step').length === 1, "the listener's span to be recorded");
    expect(commandsOf().some((s) => s.name === 'redis ping' && s.parentSpanContext?.spanId === attempt.spanContext().spanId)).toBe(true);

    // Then the app runs on its own: renewals (every lease / 3), heartbeats, recoveries, fetch waits, and a
    // schedule firing every 200 ms, with no trace among them.
    tracing.exporter.reset();
    await sleep(1_500);
    const ticks = tracing.exporter.getFinishedSpans().filter((s) => s.name === 'process default');
    expect(ticks.length).toBeGreaterThan(2);
    expect(commandsOf().filter((s) => s.parentSpanContext === undefined).map((s) => s.name)).toEqual([]);
  });

  it("opens a waitFor's event connection outside the caller's trace, which keeps the waitFor's own read", async () => {
    tracing.exporter.reset();
    // A queue no one follows yet: the waitFor opens a connection of its own to read its events.
    const ref = await t.queue.enqueue('nobody.serves', {}, { queue: 'unfollowed' });
    await trace.getTracer('test').startActiveSpan('request', async (span) => {
      try {
        await expect(t.queue.waitFor(ref, { timeout: 300 })).rejects.toThrow();
      } finally {
        span.end();
      }
    });
    const request = tracing.spans('request')[0]!;
    const inRequest = tracing.exporter
      .getFinishedSpans()
      .filter((s) => s.instrumentationScope.name === COMMAND_SCOPE && s.spanContext().traceId === request.spanContext().traceId)
      .map((s) => s.name);
    // The waitFor's own reads (the task, where its events start) are in the caller's trace; the new connection's
    // ready check and client name are not.
    expect(inRequest).toContain('redis hgetall');
    expect(inRequest.filter((name) => name === 'redis info' || name === 'redis client')).toEqual([]);
  });
});
