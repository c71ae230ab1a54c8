import { Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { OnWorkerEvent, RateLimitedError, TaskAbortedError, TaskHandler, defineTask, type TaskContext, type WorkerEvent } from '../../lib/index.js';
import { QueueKeys } from '../../lib/redis/queue-keys.js';
import { RECORD } from '../../lib/redis/protocol.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { inspector, removePrefix, uniquePrefix } from '../utils/redis.js';
import { waitUntil } from '../utils/wait.js';

// @OnWorkerEvent: the in-process events of the worker that runs a task, in
// order, synchronously: 'active' before the pipeline starts (payload at
// hand), 'progress', then 'completed' or 'failed' on every failed attempt
// (with whether it will retry) before the outcome is recorded, so before a
// waitFor in the same app resolves; 'error' for the worker's own failures.

const Flaky = defineTask<{ key: string; fail: number }, { key: string }>('we.flaky', { attempts: 3, backoff: { type: 'fixed', delay: 20 } });

const log = new Map<string, string[]>();
const note = (key: string, entry: string) => log.set(key, [...(log.get(key) ?? []), entry]);

/** The reasons the 'we.hold' handler's signal was aborted with. */
const holdAbortReasons: unknown[] = [];

@Injectable()
class WorkerEventTasks {
  /** Ids whose 'active' event was seen, for the handler to check it came first. */
  readonly activeSeen = new Set<string>();
  release: (() => void) | null = null;

  @TaskHandler(Flaky)
  async flaky(payload: { key: string; fail: number }, task: TaskContext) {
    note(payload.key, `handler #${task.attempt} saw active: ${this.activeSeen.has(`${task.id}#${task.attempt}`)}`);
    await task.progress({ attempt: task.attempt });
    if (task.attempt <= payload.fail) throw new Error(`fail #${task.attempt}`);
    return { key: payload.key };
  }

  @TaskHandler('we.limited', { attempts: 1 })
  limited(payload: { key: string }, task: TaskContext) {
    if (task.attempt === 1 && !log.get(payload.key)?.includes('limited once')) {
      note(payload.key, 'limited once');
      throw new RateLimitedError(10);
    }
    return 'ok';
  }

  @TaskHandler('we.hold', { attempts: 1 })
  hold(_payload: unknown, task: TaskContext) {
    return new Promise((resolve) => {
      task.signal.addEventListener('abort', () => {
        holdAbortReasons.push(task.signal.reason);
        resolve('aborted');
      });
    });
  }

  @OnWorkerEvent('active')
  @OnWorkerEvent('progress')
  @OnWorkerEvent('completed')
  @OnWorkerEvent('failed')
  all(event: WorkerEvent) {
    if (event.type === 'error') return;
    const key = (event.payload as { key?: string }).key ?? event.id;
    if (event.type === 'active') {
      this.activeSeen.add(`${event.id}#${event.attempt}`);
      note(key, `active #${event.attempt} ${JSON.stringify(event.payload)} enqueuedAt=${typeof event.enqueuedAt}`);
    } else if (event.type === 'progress') {
      note(key, `progress ${JSON.stringify(event.progress)}`);
    } else if (event.type === 'completed') {
      note(key, `completed #${event.attempt} ${JSON.stringify(event.result)}`);
    } else {
      note(key, `failed #${event.attempt} ${event.error.message} willRetry=${event.willRetry} in=${event.retryDelayMs} thrown=${event.thrown instanceof Error}`);
    }
  }

  @OnWorkerEvent('completed', { name: Flaky })
  onlyFlaky(event: WorkerEvent) {
    if (event.type === 'completed') note('only-flaky', event.name);
  }

  @OnWorkerEvent('completed', { queue: 'elsewhere' })
  otherQueue() {
    note('other-queue', 'called');
  }

  @OnWorkerEvent('failed')
  throws() {
    throw new Error('a listener bug');
  }

  @OnWorkerEvent('error')
  error(event: WorkerEvent) {
    if (event.type === 'error') note('errors', `${event.operation} ${event.taskId} ${event.error.message}`);
  }
}

describe('@OnWorkerEvent', () => {
  const prefix = uniquePrefix('worker-events');
  let t: TaskApp;
  let redis: Redis;

  beforeAll(async () => {
    t = await startTaskApp(prefix, [WorkerEventTasks], { worker: { concurrency: 5, leaseMs: 600, shutdownGraceMs: 1_000 } });
    redis = inspector();
  });
  afterAll(async () => {
    await t.close();
    await redis.quit();
    await removePrefix(prefix);
  });

  it('fires active, progress and failed per attempt, then completed, in order, with active before the handler', async () => {
    const ref = await t.queue.enqueue(Flaky, { key: 'k1', fail: 1 });
    await t.queue.waitFor(ref, { timeout: 10_000 });
    expect(log.get('k1')).toEqual([
      'active #1 {"key":"k1","fail":1} enqueuedAt=number',
      'handler #1 saw active: true',
      'progress {"attempt":1}',
      'failed #1 fail #1 willRetry=true in=20 thrown=true',
      'active #2 {"key":"k1","fail":1} enqueuedAt=number',
      'handler #2 saw active: true',
      'progress {"attempt":2}',
      'completed #2 {"key":"k1"}',
    ]);
    expect(log.get('only-flaky')).toContain('we.flaky');
    expect(log.get('other-queue')).toBeUndefined();
  });

  it('says when a failed attempt is the last', async () => {
    const ref = await t.queue.enqueue(Flaky, { key: 'k2', fail: 9 });
    await t.queue.waitFor(ref, { timeout: 10_000 }).catch(() => undefined);
    expect(log.get('k2')!.filter((e) => e.startsWith('failed'))).toEqual([
      'failed #1 fail #1 willRetry=true in=20 thrown=true',
      'failed #2 fail #2 willRetry=true in=20 thrown=true',
      'failed #3 fail #3 willRetry=false in=null thrown=true',
    ]);
  });

  it('reports a rate-limited attempt as failed and retried, without using the attempt', async () => {
    const ref = await t.queue.enqueue('we.limited', { key: 'k3' });
    expect(await t.queue.waitFor(ref, { timeout: 10_000 })).toBe('ok');
    expect(log.get('k3')).toEqual(expect.arrayContaining(['failed #1 rate limited: retry in 10 ms willRetry=true in=10 thrown=true']));
  });

  it('fires completed before a waitFor in the same app resolves, every time', async () => {
    for (let i = 0; i < 20; i++) {
      const key = `race-${i}`;
      const ref = await t.queue.enqueue(Flaky, { key, fail: 0 });
      await t.queue.waitFor(ref, { timeout: 10_000 });
      expect(log.get(key)).toContain('completed #1 {"key":"' + key + '"}');
    }
  });

  it('reports a lost lease as an error event and aborts the attempt', async () => {
    const ref = await t.queue.enqueue('we.hold', { key: 'k4' });
    await waitUntil(async () => (await t.queue.get(ref))?.state === 'active', 'the task to start');
    // Another hand took the task back: the worker's next renewal finds the lease gone.
    await redis.hdel(new QueueKeys(prefix, 'default').task(ref.id), RECORD.leaseToken);
    await waitUntil(() => log.get('errors')?.some((e) => e.startsWith(`lease ${ref.id}`)), 'the lost lease to be reported');
    expect(log.get('errors')!.find((e) => e.startsWith(`lease ${ref.id}`))).toMatch(/lease lost: task .+ was taken back/);
    await waitUntil(() => holdAbortReasons.length > 0, 'the handler to see its signal abort');
    expect(holdAbortReasons[0]).toBeInstanceOf(TaskAbortedError);
    expect(holdAbortReasons[0]).toMatchObject({ kind: 'lease-lost', taskId: ref.id });
  });
});
