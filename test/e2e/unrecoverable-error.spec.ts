import { Injectable } from '@nestjs/common';
import { TaskContext, TaskHandler, UnrecoverableTaskError } from '../../lib/index.js';
import { Journal, finalInfo, rejectionOf } from '../fixtures/pipeline-fixtures.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';

class AccountClosedError extends UnrecoverableTaskError {}

@Injectable()
class FailingTasks {
  constructor(private readonly journal: Journal) {}

  @TaskHandler('fail.unrecoverable', { attempts: 5 })
  async unrecoverable(payload: { reason: string }, task: TaskContext) {
    this.journal.record(task.id, task.attempt);
    throw new UnrecoverableTaskError(`cannot ever work: ${payload.reason}`);
  }

  @TaskHandler('fail.subclass', { attempts: 5 })
  async subclass(_payload: unknown, task: TaskContext) {
    this.journal.record(task.id, task.attempt);
    throw new AccountClosedError('account closed');
  }

  @TaskHandler('fail.ordinary', { attempts: 3 })
  async ordinary(_payload: unknown, task: TaskContext) {
    this.journal.record(task.id, task.attempt);
    throw new Error(`transient failure on attempt ${task.attempt}`);
  }
}

describe('which failures skip the remaining attempts: UnrecoverableTaskError and "no handler", not ordinary errors', () => {
  const prefix = uniquePrefix('unrecoverable');
  let t: TaskApp;
  let journal: Journal;

  beforeAll(async () => {
    // No backoff, so a retry would follow at once and show up in the attempt count.
    t = await startTaskApp(prefix, [Journal, FailingTasks], { defaults: { attempts: 1, backoff: { type: 'fixed', delay: 0 } } });
    journal = t.get(Journal);
  });
  afterAll(async () => {
    await t.close();
    await removePrefix(prefix);
  });

  it('sends a task that throws UnrecoverableTaskError to dead after 1 of 5 attempts, with its message', async () => {
    const ref = await t.queue.enqueue('fail.unrecoverable', { reason: 'bad account' });
    const error = await rejectionOf(t.queue, ref);
    expect(error.message).toBe('cannot ever work: bad account');

    const info = await finalInfo(t.queue, ref);
    expect(info).toMatchObject({ state: 'dead', attempts: 1, maxAttempts: 5 });
    expect(info.error).toMatchObject({ message: 'cannot ever work: bad account', name: 'UnrecoverableTaskError' });
    expect(info.error?.stack).toContain('cannot ever work: bad account');
    expect(journal.of(ref.id)).toEqual([1]);
  });

  it('treats a subclass of UnrecoverableTaskError the same way', async () => {
    const ref = await t.queue.enqueue('fail.subclass', {});
    expect((await rejectionOf(t.queue, ref)).message).toBe('account closed');
    expect(await finalInfo(t.queue, ref)).toMatchObject({ state: 'dead', attempts: 1, maxAttempts: 5 });
    expect(journal.of(ref.id)).toEqual([1]);
  });

  it('retries an ordinary Error until its 3 attempts are used, then records the last one', async () => {
    const ref = await t.queue.enqueue('fail.ordinary', {});
    const error = await rejectionOf(t.queue, ref);
    expect(error.message).toBe('transient failure on attempt 3');

    const info = await finalInfo(t.queue, ref);
    expect(info).toMatchObject({ state: 'dead', attempts: 3, maxAttempts: 3, error: { message: 'transient failure on attempt 3' } });
    expect(journal.of(ref.id)).toEqual([1, 2, 3]);
  });

  it('sends a task nobody handles, in a queue this worker consumes, to dead with "no handler for <name>" after 1 attempt', async () => {
    const ref = await t.queue.enqueue('nobody.handles.this', { x: 1 }, { attempts: 3 });
    expect(ref.queue).toBe('default');
    const error = await rejectionOf(t.queue, ref);
    expect(error.message).toBe('no handler for nobody.handles.this');

    const info = await finalInfo(t.queue, ref);
    expect(info).toMatchObject({ state: 'dead', attempts: 1, maxAttempts: 3, error: { message: 'no handler for nobody.handles.this' } });
    expect(await t.queue.counts()).toMatchObject({ waiting: 0, delayed: 0, active: 0 });
  });
});
