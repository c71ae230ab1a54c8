import { Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { OnWorkerEvent, TaskHandler, type WorkerEvent } from '../../lib/index.js';
import { RECORD } from '../../lib/redis/protocol.js';
import { QueueKeys } from '../../lib/redis/queue-keys.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { CapturingLogger } from '../utils/capturing-logger.js';
import { inspector, removePrefix, uniquePrefix } from '../utils/redis.js';
import { waitUntil } from '../utils/wait.js';

// An outcome the store refuses because the lease is no longer the worker's
// (recovery took the task back, or a failover gave it to another worker) is
// lost: its task runs again, or already did. That is said in the log, not
// only in an 'error' worker event that an app may not listen to. One whose
// task is gone from Redis altogether (removed, or Redis restarted empty) is
// said to be gone.

let gate: (() => void) | null = null;
const errors: WorkerEvent[] = [];

@Injectable()
class GatedTasks {
  @TaskHandler('gated.run', { attempts: 2 })
  run() {
    return new Promise<string>((resolve) => (gate = () => resolve('done')));
  }

  @OnWorkerEvent('error')
  onError(event: WorkerEvent) {
    errors.push(event);
  }
}

describe('an outcome the store did not take', () => {
  const prefix = uniquePrefix('discarded');
  const keys = new QueueKeys(prefix, 'default');
  const logger = new CapturingLogger();
  let t: TaskApp;
  let redis: Redis;

  beforeAll(async () => {
    redis = inspector();
    t = await startTaskApp(prefix, [GatedTasks]);
    t.app.useLogger(logger);
  });

  afterAll(async () => {
    await t.close();
    await redis.quit();
    await removePrefix(prefix);
  });

  it('is logged as a warning naming the task, beside its error worker event', async () => {
    const ref = await t.queue.enqueue('gated.run', {});
    await waitUntil(() => gate !== null, 'the handler to start');
    // The lease taken over while the handler runs, as after a recovery by another worker.
    await redis.hset(keys.task(ref.id), RECORD.leaseToken, 'someone-else:1:1');
    gate!();
    await waitUntil(() => logger.lines.some((l) => l.includes('did not take the outcome')), 'the warning');
    const lines = logger.lines.filter((l) => l.includes('did not take the outcome'));
    expect(lines).toEqual([
      `warn queue 'default': the store did not take the outcome of 1 task(s): its lease had ended (the task was taken back and runs again or ran, ` +
        `or a resent call had already recorded this outcome): ${ref.id} TaskModule`,
    ]);
    expect(errors).toEqual([expect.objectContaining({ type: 'error', queue: 'default', operation: 'settle', taskId: ref.id })]);
  });

  it('says the task is gone when its record no longer exists, rather than that it was taken back to run again', async () => {
    gate = null;
    logger.lines.length = 0;
    const ref = await t.queue.enqueue('gated.run', {});
    await waitUntil(() => gate !== null, 'the handler to start');
    // As after an empty restart of Redis: the task's record is no more.
    await redis.del(keys.task(ref.id));
    gate!();
    await waitUntil(() => logger.lines.some((l) => l.includes('did not take the outcome')), 'the warning');
    expect(logger.lines.filter((l) => l.includes('did not take the outcome'))).toEqual([
      `warn queue 'default': the store did not take the outcome of 1 task(s): the task no longer exists in Redis: it was removed (by remove ` +
        `or obliterate, or by retention after another attempt ran it once this lease had run out), or Redis lost its data (restarted with ` +
        `nothing saved, or flushed): ${ref.id} TaskModule`,
    ]);
  });
});
