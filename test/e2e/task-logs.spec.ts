import { Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { TaskContext, TaskHandler } from '../../lib/index.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { inspector, keysOf, removePrefix, uniquePrefix } from '../utils/redis.js';
import { waitUntil } from '../utils/wait.js';

// task.log(message) in a handler appends a timestamped line to the task's log,
// bounded per task (taskLogs.maxLines); TaskQueue.logs(ref) reads it; the log
// goes with the task when retention removes it.

@Injectable()
class LoggingTasks {
  @TaskHandler('report.build')
  async build(payload: { lines: number }, task: TaskContext) {
    for (let i = 1; i <= payload.lines; i++) await task.log(`step ${i} of ${payload.lines}`);
    return 'built';
  }

  @TaskHandler('report.flaky', { attempts: 2, backoff: { type: 'fixed', delay: 10 } })
  async flaky(_payload: unknown, task: TaskContext) {
    await task.log(`attempt ${task.attempt} starting`);
    if (task.attempt === 1) throw new Error('first attempt fails');
    return 'ok';
  }

  @TaskHandler('report.ephemeral', { removeOnComplete: true })
  async ephemeral(_payload: unknown, task: TaskContext) {
    await task.log('written, then removed with the task');
  }

  @TaskHandler('report.odd-text')
  async oddText(_payload: unknown, task: TaskContext) {
    // An emoji across the cut, then a lone surrogate (Redis stores text as UTF-8, which has no form for it).
    await task.log(`${'x'.repeat(8_191)}😀 and more`);
    await task.log('lone \uD800 surrogate');
  }

  @TaskHandler('report.long')
  async long(_payload: unknown, task: TaskContext) {
    await task.log('x'.repeat(10_000));
  }
}

describe('task logs', () => {
  const prefix = uniquePrefix('task-logs');
  let t: TaskApp;
  let redis: Redis;

  beforeAll(async () => {
    t = await startTaskApp(prefix, [LoggingTasks], { taskLogs: { maxLines: 3 } });
    redis = inspector();
  });
  afterAll(async () => {
    await t.close();
    await redis.quit();
    await removePrefix(prefix);
  });

  it('reads the lines a handler wrote, oldest first, each with the time it was written', async () => {
    const before = Date.now();
    const ref = await t.queue.enqueue('report.build', { lines: 2 });
    await t.queue.waitFor(ref, { timeout: 5_000 });
    const lines = await t.queue.logs(ref);
    expect(lines!.map((l) => l.message)).toEqual(['step 1 of 2', 'step 2 of 2']);
    // Redis time and this process's clock are the same machine's here; allow a little skew anyway.
    for (const line of lines!) expect(line.at).toBeGreaterThanOrEqual(before - 1_000);
    expect(lines![0].at).toBeLessThanOrEqual(lines![1].at);
  });

  it('keeps the newest taskLogs.maxLines lines', async () => {
    const ref = await t.queue.enqueue('report.build', { lines: 5 });
    await t.queue.waitFor(ref, { timeout: 5_000 });
    expect((await t.queue.logs(ref))!.map((l) => l.message)).toEqual(['step 3 of 5', 'step 4 of 5', 'step 5 of 5']);
  });

  it('keeps the lines of every attempt in one log', async () => {
    const ref = await t.queue.enqueue('report.flaky', {});
    await t.queue.waitFor(ref, { timeout: 5_000 });
    expect((await t.queue.logs(ref))!.map((l) => l.message)).toEqual(['attempt 1 starting', 'attempt 2 starting']);
  });

  it('cuts a line over 8,192 characters', async () => {
    const ref = await t.queue.enqueue('report.long', {});
    await t.queue.waitFor(ref, { timeout: 5_000 });
    const [line] = (await t.queue.logs(ref))!;
    expect(line.message).toHaveLength(8_193);
    expect(line.message.endsWith('…')).toBe(true);
  });

  it('never cuts inside a surrogate pair, and stores a lone surrogate as U+FFFD, as the test mode reads it', async () => {
    const ref = await t.queue.enqueue('report.odd-text', {});
    await t.queue.waitFor(ref, { timeout: 5_000 });
    const lines = (await t.queue.logs(ref))!.map((l) => l.message);
    expect(lines).toEqual([`${'x'.repeat(8_191)}…`, 'lone \uFFFD surrogate']);
  });

  it('removes the log with the task, and answers null for a task that does not exist', async () => {
    const ref = await t.queue.enqueue('report.ephemeral', {});
    await waitUntil(async () => (await t.queue.get(ref)) === null, 'the task to complete and be removed');
    expect(await t.queue.logs(ref)).toBeNull();
    expect(await t.queue.logs('never-added')).toBeNull();
    expect((await keysOf(redis, prefix)).filter((key) => key.includes(`:l:${ref.id}`))).toEqual([]);
  });

  it('answers an empty log for a task that wrote none', async () => {
    const ref = await t.queue.enqueue('report.build', { lines: 0 }, { delay: 60_000 });
    expect(await t.queue.logs(ref)).toEqual([]);
    await t.queue.cancel(ref);
  });
});
