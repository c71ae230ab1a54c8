import { Injectable } from '@nestjs/common';
import * as nodeTimers from 'node:timers';
import { TaskContext, TaskHandler } from '../../lib/index.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';

// An integration test that fakes timers (jest.useFakeTimers) around a worker
// on a real Redis: the worker's own timers (the settle batch's turn, lease
// renewals) run in real time, so tasks still finish, and a handler that runs
// past several lease renewals keeps its lease and its one attempt. ioredis
// itself calls process.nextTick (a new connection's 'ready', for one), so
// nextTick stays real, as docs/testing.md says.

const realSleep = (ms: number) => new Promise<void>((resolve) => nodeTimers.setTimeout(resolve, ms));

@Injectable()
class SlowTasks {
  readonly runs: number[] = [];

  @TaskHandler('slow.run')
  async run(payload: { ms: number }, task: TaskContext) {
    this.runs.push(task.attempt);
    await realSleep(payload.ms);
    return 'done';
  }
}

describe('a worker on Redis under jest fake timers', () => {
  const prefix = uniquePrefix('fake-timers');
  let t: TaskApp | undefined;

  afterEach(async () => {
    jest.useRealTimers();
    await t?.close();
    await removePrefix(prefix);
  });

  it('finishes tasks, and keeps the lease of one that runs past three renewal periods', async () => {
    t = await startTaskApp(prefix, [SlowTasks], { worker: { concurrency: 2, leaseMs: 300, shutdownGraceMs: 1_000 }, defaults: { attempts: 3 } });
    jest.useFakeTimers({ doNotFake: ['nextTick'] });
    const quick = await t.queue.enqueue('slow.run', { ms: 1 });
    const slow = await t.queue.enqueue('slow.run', { ms: 1_000 });
    expect(await t.queue.waitFor(quick, { timeout: 10_000 })).toBe('done');
    expect(await t.queue.waitFor(slow, { timeout: 10_000 })).toBe('done');
    expect(await t.queue.get(slow)).toMatchObject({ state: 'completed', attempts: 1 });
    expect(t.get(SlowTasks).runs).toEqual([1, 1]);
  });
});
