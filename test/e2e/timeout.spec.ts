import { Injectable } from '@nestjs/common';
import { TaskContext, TaskFailedError, TaskHandler, TaskTimeoutError } from '../../lib/index.js';
import { Journal, finalInfo, rejectionOf } from '../fixtures/pipeline-fixtures.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';
import { sleep } from '../utils/wait.js';

/** What a handler saw of one attempt. */
interface Seen {
  attempt: number;
  startedAt: number;
  abortedAt?: number;
  reason?: unknown;
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
function cooperativeSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}

@Injectable()
class SlowTasks {
  constructor(private readonly journal: Journal) {}

  private watch(task: TaskContext): Seen {
    const seen: Seen = { attempt: task.attempt, startedAt: Date.now() };
    task.signal.addEventListener('abort', () => {
      seen.abortedAt = Date.now();
      seen.reason = task.signal.reason;
    }, { once: true });
    this.journal.record(task.id, seen);
    return seen;
  }

  /** Stops when told: waits on its signal. */
  @TaskHandler('slow.cooperative', { timeout: 100 })
  async cooperative(_payload: unknown, task: TaskContext) {
    this.watch(task);
    await cooperativeSleep(5_000, task.signal);
    return 'finished';
  }

  /** Ignores its signal and finishes late. */
  @TaskHandler('slow.late', { timeout: 100 })
  async late(_payload: unknown, task: TaskContext) {
    this.watch(task);
    await sleep(300);
    return 'finished late';
  }

  /** Ignores its signal and never settles. */
  @TaskHandler('slow.hang', { timeout: 150 })
  hang(_payload: unknown, task: TaskContext): Promise<never> {
    this.watch(task);
    return new Promise<never>(() => undefined);
  }

  /** Finishes late under a module default timeout that its own `timeout: 0` turns off. */
  @TaskHandler('slow.unlimited', { timeout: 0 })
  async unlimited(_payload: unknown, task: TaskContext) {
    this.watch(task);
    await sleep(300);
    return 'finished, no limit';
  }

  @TaskHandler('quick')
  async quick(_payload: unknown, task: TaskContext) {
    this.watch(task);
    return 'quick done';
  }
}

describe('an attempt that outlives its timeout fails with TaskTimeoutError and frees its worker slot', () => {
  const prefix = uniquePrefix('timeout');
  let t: TaskApp;
  let journal: Journal;

  beforeAll(async () => {
    // One slot per queue: a timed-out attempt that kept its slot would stall every later task.
    t = await startTaskApp(prefix, [Journal, SlowTasks], {
      worker: { concurrency: 1, leaseMs: 5_000, shutdownGraceMs: 500 },
      // A module-wide limit, which `timeout: 0` on a handler or an enqueue turns off.
      defaults: { attempts: 1, backoff: { type: 'fixed', delay: 0 }, timeout: 150 },
    });
    journal = t.get(Journal);
  });
  afterAll(async () => {
    await t.close();
    await removePrefix(prefix);
  });

  it('fails the attempt with a "timed out" TaskTimeoutError and aborts its signal with that error', async () => {
    const ref = await t.queue.enqueue('slow.cooperative', {});
    const error = await rejectionOf(t.queue, ref);
    expect(error).toBeInstanceOf(TaskFailedError);
    expect(error.message).toContain('timed out');

    const info = await finalInfo(t.queue, ref);
    expect(info).toMatchObject({ state: 'dead', attempts: 1, error: { name: 'TaskTimeoutError' } });
    expect(info.error?.message).toContain('timed out');

    const [seen] = journal.of<Seen>(ref.id);
    expect(seen.reason).toBeInstanceOf(TaskTimeoutError);
    expect((seen.reason as TaskTimeoutError).timeoutMs).toBe(100);
    expect(seen.abortedAt! - seen.startedAt).toBeGreaterThanOrEqual(90);
  });

  it('retries a timed-out attempt while attempts remain (timeout given at enqueue)', async () => {
    const ref = await t.queue.enqueue('slow.cooperative', {}, { attempts: 2, timeout: 80 });
    expect((await rejectionOf(t.queue, ref)).message).toContain('timed out');
    expect(await finalInfo(t.queue, ref)).toMatchObject({ state: 'dead', attempts: 2, maxAttempts: 2, error: { name: 'TaskTimeoutError' } });
    const seen = journal.of<Seen>(ref.id);
    expect(seen.map((s) => s.attempt)).toEqual([1, 2]);
    for (const s of seen) {
      expect(s.reason).toBeInstanceOf(TaskTimeoutError);
      expect((s.reason as TaskTimeoutError).timeoutMs).toBe(80);
    }
  });

  it('runs without a limit where timeout: 0 is given, on the handler or at enqueue, over the defaults', async () => {
    const byHandler = await t.queue.enqueue('slow.unlimited', {});
    await expect(t.queue.waitFor(byHandler, { timeout: 5_000 })).resolves.toBe('finished, no limit');
    const byEnqueue = await t.queue.enqueue('slow.late', {}, { timeout: 0 });
    await expect(t.queue.waitFor(byEnqueue, { timeout: 5_000 })).resolves.toBe('finished late');
    for (const ref of [byHandler, byEnqueue]) {
      const [seen] = journal.of<Seen>(ref.id);
      expect(seen.reason).toBeUndefined();
      expect(await t.queue.get(ref)).toMatchObject({ state: 'completed', attempts: 1 });
    }
    // An enqueue's own limit still applies to a handler whose timeout is 0.
    const limitedAtEnqueue = await t.queue.enqueue('slow.unlimited', {}, { timeout: 120 });
    expect((await rejectionOf(t.queue, limitedAtEnqueue)).message).toContain('timed out');
  });

  it('keeps the timeout failure when a handler that ignores its signal returns afterwards', async () => {
    const ref = await t.queue.enqueue('slow.late', {});
    expect((await rejectionOf(t.queue, ref)).message).toContain('timed out');
    const [seen] = journal.of<Seen>(ref.id);
    expect(seen.reason).toBeInstanceOf(TaskTimeoutError);
    // Past the moment the handler returns: its value is not recorded.
    await sleep(400);
    const info = await t.queue.get(ref);
    expect(info).toMatchObject({ state: 'dead', attempts: 1, error: { name: 'TaskTimeoutError' } });
    expect(info?.result).toBeUndefined();
  });

  it('frees the only worker slot at the timeout of a handler that never settles, so the next task runs', async () => {
    const hung = await t.queue.enqueue('slow.hang', {});
    const next = await t.queue.enqueue('quick', {});
    await expect(t.queue.waitFor(next, { timeout: 5_000 })).resolves.toBe('quick done');

    const hungInfo = await finalInfo(t.queue, hung);
    expect(hungInfo).toMatchObject({ state: 'dead', attempts: 1, error: { name: 'TaskTimeoutError' } });
    const [hangSeen] = journal.of<Seen>(hung.id);
    const [quickSeen] = journal.of<Seen>(next.id);
    // The quick task got the slot only once the hung attempt had timed out.
    expect(hangSeen.reason).toBeInstanceOf(TaskTimeoutError);
    expect(quickSeen.startedAt).toBeGreaterThanOrEqual(hangSeen.abortedAt!);
    expect(await t.queue.counts()).toMatchObject({ active: 0, waiting: 0 });
  });
});
