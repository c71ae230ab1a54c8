import { Injectable } from '@nestjs/common';
import { OnWorkerEvent, TaskAbortedError, TaskContext, TaskHandler, TaskQueue, type WorkerEvent } from '../../lib/index.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';
import { sleep, waitUntil } from '../utils/wait.js';

// app.close() while handlers run: stop fetching, let them finish for
// shutdownGraceMs, then abort the rest and hand them back without counting the
// attempt; Redis closes last so draining handlers can still enqueue.

const GRACE_MS = 800;

/** What the handlers and the test did, in order. */
let journal: string[] = [];
let closeCalledAt = 0;
let abortedAfterMs: number | null = null;
let abortReason: unknown = null;
let lateFinish: Promise<void> | null = null;
/** The worker events of attempts that ended: a handed-back attempt ends with none. */
let ended: string[] = [];
const closeCalled = () => journal.includes('close called');

@Injectable()
class DrainTasks {
  constructor(private readonly tasks: TaskQueue) {}

  /** Finishes 300 ms after close() was called: well within the grace period. */
  @TaskHandler('drain.short')
  async short(_payload: unknown, task: TaskContext) {
    journal.push('short started');
    await waitUntil(closeCalled, 'close() to be called');
    await sleep(300);
    journal.push(task.signal.aborted ? 'short finished (aborted)' : 'short finished');
    return 'short done';
  }

  /** Runs until its signal is aborted, then gives up as a well-behaved handler does. */
  @TaskHandler('drain.long')
  async long(_payload: unknown, task: TaskContext) {
    journal.push('long started');
    await new Promise<void>((resolve) => task.signal.addEventListener('abort', () => resolve(), { once: true }));
    abortedAfterMs = Date.now() - closeCalledAt;
    abortReason = task.signal.reason;
    journal.push('long aborted');
    throw task.signal.reason;
  }

  /** Ignores its signal and returns a result after the grace period: that result must not count. */
  @TaskHandler('drain.stubborn')
  async stubborn() {
    journal.push('stubborn started');
    let finished!: () => void;
    lateFinish = new Promise<void>((resolve) => (finished = resolve));
    await waitUntil(closeCalled, 'close() to be called');
    await sleep(GRACE_MS + 700);
    journal.push('stubborn finished');
    finished();
    return 'too late';
  }

  @OnWorkerEvent('completed')
  @OnWorkerEvent('failed')
  attemptEnded(event: WorkerEvent) {
    if (event.type === 'completed' || event.type === 'failed') ended.push(`${event.type} ${event.name}`);
  }

  /** Enqueues a follow-up while the worker drains. */
  @TaskHandler('drain.chain')
  async chain(payload: { next: string }) {
    journal.push('chain started');
    await waitUntil(closeCalled, 'close() to be called');
    await sleep(200);
    const ref = await this.tasks.enqueue('drain.followup', { from: payload.next });
    journal.push(`chain enqueued ${ref.id}`);
    return ref;
  }
}

describe('graceful shutdown', () => {
  const prefix = uniquePrefix('shutdown');
  let producer: TaskApp;
  let worker: TaskApp | null = null;

  beforeAll(async () => {
    producer = await startTaskApp(prefix, [], { worker: false });
  });

  beforeEach(async () => {
    journal = [];
    ended = [];
    abortedAfterMs = null;
    abortReason = null;
    lateFinish = null;
    worker = await startTaskApp(prefix, [DrainTasks], { worker: { concurrency: 5, leaseMs: 5_000, shutdownGraceMs: GRACE_MS } });
  });

  afterEach(async () => {
    await worker?.close();
    await lateFinish;
    worker = null;
    // Each test starts from an empty queue, whatever the previous one left.
    await removePrefix(prefix);
  });

  afterAll(async () => {
    await producer.close();
    await removePrefix(prefix);
  });

  async function closeWorker(): Promise<number> {
    closeCalledAt = Date.now();
    journal.push('close called');
    await worker!.close();
    worker = null;
    journal.push('close resolved');
    return Date.now() - closeCalledAt;
  }

  it('lets a handler that finishes within the grace period complete, and resolves close() after it', async () => {
    const ref = await producer.queue.enqueue('drain.short', {});
    await waitUntil(() => journal.includes('short started'), 'the handler to start');

    await closeWorker();

    expect(journal).toEqual(['short started', 'close called', 'short finished', 'close resolved']);
    expect(await producer.queue.get(ref)).toMatchObject({ state: 'completed', attempts: 1, result: 'short done' });
    expect(ended).toEqual(['completed drain.short']);
  });

  it('aborts a handler that outlasts the grace period at its end and hands its task back to waiting, attempt not counted', async () => {
    const ref = await producer.queue.enqueue('drain.long', {}, { attempts: 3 });
    await waitUntil(() => journal.includes('long started'), 'the handler to start');
    expect(await producer.queue.get(ref)).toMatchObject({ state: 'active', attempts: 1 });

    await closeWorker();

    expect(journal).toEqual(['long started', 'close called', 'long aborted', 'close resolved']);
    // Aborted when the grace period ended, not before (a little slack for timer granularity).
    expect(abortedAfterMs).toBeGreaterThanOrEqual(GRACE_MS - 50);
    // The handler can tell a shutdown from its own timeout.
    expect(abortReason).toBeInstanceOf(TaskAbortedError);
    expect(abortReason).toMatchObject({ kind: 'shutdown', taskId: ref.id });
    const info = await producer.queue.get(ref);
    expect(info).toMatchObject({ state: 'waiting', attempts: 0, maxAttempts: 3 });
    expect(info!.error).toBeNull();
    expect(await producer.queue.counts()).toMatchObject({ waiting: 1, active: 0, dead: 0 });
    // Handed back, not failed: no 'failed' worker event (a failure alert would fire on every deploy).
    expect(ended).toEqual([]);
    // Removed so the next test's worker does not pick it up.
    expect(await producer.queue.cancel(ref)).toBe(true);
  });

  it('resolves close() even when a handler ignores its signal, and discards the result it returns after the grace period', async () => {
    const ref = await producer.queue.enqueue('drain.stubborn', {});
    await waitUntil(() => journal.includes('stubborn started'), 'the handler to start');

    await closeWorker();
    expect(journal).toEqual(['stubborn started', 'close called', 'close resolved']);
    expect(await producer.queue.get(ref)).toMatchObject({ state: 'waiting', attempts: 0 });

    await lateFinish;
    await sleep(100);
    expect(journal).toEqual(['stubborn started', 'close called', 'close resolved', 'stubborn finished']);
    const info = await producer.queue.get(ref);
    expect(info).toMatchObject({ state: 'waiting', attempts: 0 });
    expect(info!.result).toBeUndefined();
    // Its late return is no completion either: the task runs again.
    expect(ended).toEqual([]);
    expect(await producer.queue.cancel(ref)).toBe(true);
  });

  it('lets a draining handler enqueue a follow-up task, because the Redis connection closes last', async () => {
    const ref = await producer.queue.enqueue('drain.chain', { next: 'step-2' });
    await waitUntil(() => journal.includes('chain started'), 'the handler to start');

    await closeWorker();

    const enqueued = journal.find((line) => line.startsWith('chain enqueued '));
    expect(enqueued).toBeDefined();
    expect(journal.indexOf(enqueued!)).toBeLessThan(journal.indexOf('close resolved'));
    const followUpId = enqueued!.slice('chain enqueued '.length);
    const chain = await producer.queue.get(ref);
    expect(chain).toMatchObject({ state: 'completed', result: { id: followUpId, queue: 'default' } });
    expect(await producer.queue.get(followUpId)).toMatchObject({ name: 'drain.followup', state: 'waiting', payload: { from: 'step-2' } });
    expect(await producer.queue.cancel(followUpId)).toBe(true);
  });
});
