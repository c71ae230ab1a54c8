import { Injectable } from '@nestjs/common';
import { TaskContext, TaskHandler, TaskQueue } from '../../lib/index.js';
import { Journal, finalInfo, rejectionOf } from '../fixtures/pipeline-fixtures.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';
import { waitUntil } from '../utils/wait.js';

/** One attempt as its handler saw it: local start time, and the record's runAt/startedAt (Redis time). */
interface AttemptSeen {
  attempt: number;
  at: number;
  runAt: number;
  startedAt: number;
}

@Injectable()
class RetryTasks {
  constructor(
    private readonly journal: Journal,
    private readonly queue: TaskQueue,
  ) {}

  private async note(task: TaskContext): Promise<void> {
    const at = Date.now();
    const info = await this.queue.get(task.id, { queue: task.queue });
    this.journal.record(task.id, { attempt: task.attempt, at, runAt: info!.runAt, startedAt: info!.startedAt! });
  }

  @TaskHandler('flaky', { attempts: 3 })
  async flaky(_payload: unknown, task: TaskContext) {
    await this.note(task);
    if (task.attempt < 3) throw new Error(`flaky failure ${task.attempt}`);
    return { succeededOn: task.attempt };
  }

  @TaskHandler('fails.fixed', { attempts: 3, backoff: { type: 'fixed', delay: 200 } })
  async fixed(_payload: unknown, task: TaskContext) {
    await this.note(task);
    throw new Error(`fixed failure ${task.attempt}`);
  }

  // Uncapped the waits would be 50, 100, 200, 400 ms; maxDelay makes them 50, 100, 120, 120.
  @TaskHandler('fails.exponential', { attempts: 5, backoff: { type: 'exponential', delay: 50, maxDelay: 120 } })
  async exponential(_payload: unknown, task: TaskContext) {
    await this.note(task);
    throw new Error(`exponential failure ${task.attempt}`);
  }

  /** No policy of its own: module defaults apply. */
  @TaskHandler('fails.defaults')
  async defaults(_payload: unknown, task: TaskContext) {
    await this.note(task);
    throw new Error('fails under defaults');
  }

  @TaskHandler('fails.handler-policy', { attempts: 4 })
  async handlerPolicy(_payload: unknown, task: TaskContext) {
    await this.note(task);
    throw new Error('fails under handler policy');
  }

  @TaskHandler('fails.slow-backoff', { attempts: 3, backoff: { type: 'fixed', delay: 5_000 } })
  async slowBackoff(_payload: unknown, task: TaskContext) {
    await this.note(task);
    throw new Error('fails with a slow backoff');
  }
}

/** Gaps between consecutive attempt starts, local clock. */
const gaps = (seen: AttemptSeen[]) => seen.slice(1).map((s, i) => s.at - seen[i].at);

describe('failed attempts are retried after their backoff, under enqueue > handler > module default options', () => {
  const prefix = uniquePrefix('retry-backoff');
  let t: TaskApp;
  let journal: Journal;

  beforeAll(async () => {
    t = await startTaskApp(prefix, [Journal, RetryTasks], { defaults: { attempts: 2, backoff: { type: 'fixed', delay: 0 } } });
    journal = t.get(Journal);
  });
  afterAll(async () => {
    await t.close();
    await removePrefix(prefix);
  });

  it('completes a handler that fails twice then succeeds on its third attempt', async () => {
    const ref = await t.queue.enqueue('flaky', {});
    await expect(t.queue.waitFor(ref, { timeout: 5_000 })).resolves.toEqual({ succeededOn: 3 });
    expect(journal.of<AttemptSeen>(ref.id).map((s) => s.attempt)).toEqual([1, 2, 3]);
    expect(await t.queue.get(ref)).toMatchObject({ state: 'completed', attempts: 3, maxAttempts: 3, result: { succeededOn: 3 } });
  });

  it("waits at least the fixed delay between attempts, in state 'delayed'", async () => {
    const ref = await t.queue.enqueue('fails.fixed', {});
    await waitUntil(() => journal.of(ref.id).length === 1, 'the first attempt');
    const between = await waitUntil(async () => {
      const info = await t.queue.get(ref);
      return info?.state === 'delayed' ? info : null;
    }, 'the task to be delayed after its first failure', 5_000, 10);
    expect(between.attempts).toBe(1);
    expect(journal.of(ref.id)).toHaveLength(1);

    expect((await rejectionOf(t.queue, ref)).message).toBe('fixed failure 3');
    const seen = journal.of<AttemptSeen>(ref.id);
    expect(seen.map((s) => s.attempt)).toEqual([1, 2, 3]);
    for (const gap of gaps(seen)) {
      expect(gap).toBeGreaterThanOrEqual(200);
      expect(gap).toBeLessThan(200 + 2_000);
    }
  });

  it('waits delay * 2^(attempt-1), capped by maxDelay, between exponential attempts', async () => {
    const ref = await t.queue.enqueue('fails.exponential', {});
    expect((await rejectionOf(t.queue, ref)).message).toBe('exponential failure 5');
    const seen = journal.of<AttemptSeen>(ref.id);
    expect(seen.map((s) => s.attempt)).toEqual([1, 2, 3, 4, 5]);

    const expected = [50, 100, 120, 120];
    gaps(seen).forEach((gap, i) => {
      expect(gap).toBeGreaterThanOrEqual(expected[i]);
      expect(gap).toBeLessThan(expected[i] + 2_000);
    });
    // Redis' own schedule: each retry is due its delay after the failed attempt
    // started (plus the moment the handler took to fail).
    const scheduled = seen.slice(1).map((s, i) => s.runAt - seen[i].startedAt);
    scheduled.forEach((wait, i) => expect(wait).toBeGreaterThanOrEqual(expected[i]));
    seen.forEach((s) => expect(s.startedAt).toBeGreaterThanOrEqual(s.runAt));
    // Exactly: the history stamps each failure's end and its retry's due time with one clock, in one step.
    // Without the cap the last wait would be 400 ms.
    const history = (await t.queue.history(ref))!;
    expect(history.slice(0, 4).map((a) => a.retryAt! - a.endedAt!)).toEqual(expected);
  });

  it('uses the module defaults when neither handler nor enqueue sets attempts', async () => {
    const ref = await t.queue.enqueue('fails.defaults', {});
    expect((await t.queue.get(ref))?.maxAttempts).toBe(2);
    await rejectionOf(t.queue, ref);
    expect(await finalInfo(t.queue, ref)).toMatchObject({ state: 'dead', attempts: 2, maxAttempts: 2 });
    expect(journal.of(ref.id)).toHaveLength(2);
  });

  it("uses the handler's attempts over the module defaults", async () => {
    const ref = await t.queue.enqueue('fails.handler-policy', {});
    expect((await t.queue.get(ref))?.maxAttempts).toBe(4);
    await rejectionOf(t.queue, ref);
    expect(await finalInfo(t.queue, ref)).toMatchObject({ state: 'dead', attempts: 4, maxAttempts: 4 });
    expect(journal.of(ref.id)).toHaveLength(4);
  });

  it("uses the enqueue attempts over the handler's and the module's", async () => {
    const fewer = await t.queue.enqueue('fails.handler-policy', {}, { attempts: 1 });
    const more = await t.queue.enqueue('fails.defaults', {}, { attempts: 3 });
    expect((await t.queue.get(fewer))?.maxAttempts).toBe(1);
    expect((await t.queue.get(more))?.maxAttempts).toBe(3);
    await Promise.all([rejectionOf(t.queue, fewer), rejectionOf(t.queue, more)]);
    expect(await finalInfo(t.queue, fewer)).toMatchObject({ state: 'dead', attempts: 1, maxAttempts: 1 });
    expect(await finalInfo(t.queue, more)).toMatchObject({ state: 'dead', attempts: 3, maxAttempts: 3 });
    expect(journal.of(fewer.id)).toHaveLength(1);
    expect(journal.of(more.id)).toHaveLength(3);
  });

  it("uses the handler's backoff over the module default, and the enqueue backoff over the handler's", async () => {
    // Handler backoff (5 s) over the module's (0): after one failure the task waits, delayed.
    const slow = await t.queue.enqueue('fails.slow-backoff', {});
    const delayed = await waitUntil(async () => {
      const info = await t.queue.get(slow);
      return info?.state === 'delayed' ? info : null;
    }, 'the task to be delayed by its handler backoff');
    expect(delayed.attempts).toBe(1);
    expect(delayed.runAt - delayed.startedAt!).toBeGreaterThanOrEqual(5_000);
    expect(await t.queue.cancel(slow)).toBe(true);

    // Enqueue backoff (0) over the handler's (5 s): all three attempts run well before one 5 s wait could pass.
    const fast = await t.queue.enqueue('fails.slow-backoff', {}, { backoff: { type: 'fixed', delay: 0 } });
    await rejectionOf(t.queue, fast, 4_000);
    expect(await finalInfo(t.queue, fast)).toMatchObject({ state: 'dead', attempts: 3, maxAttempts: 3 });
    expect(journal.of(fast.id)).toHaveLength(3);
  });
});
