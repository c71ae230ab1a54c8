import { Injectable } from '@nestjs/common';
import { TaskContext, TaskHandler } from '../../lib/index.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { CapturingLogger } from '../utils/capturing-logger.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';
import { waitUntil } from '../utils/wait.js';

// Two app versions on one queue during a rolling deploy: the old one carries
// 'deploy.a', the new one also 'deploy.b'. A worker that takes a task it has
// no handler for hands it over, without using an attempt, to a live worker
// that advertises the name; only when none does is it dead ('no handler').
const LEASE_MS = 1_500;

@Injectable()
class OldVersion {
  readonly ran: string[] = [];
  @TaskHandler('deploy.a')
  a(_payload: unknown, task: TaskContext) {
    this.ran.push(task.id);
    return 'old';
  }
}

@Injectable()
class NewVersion {
  readonly ran: Array<{ id: string; attempt: number }> = [];
  @TaskHandler('deploy.a')
  a(_payload: unknown, task: TaskContext) {
    this.ran.push({ id: task.id, attempt: task.attempt });
    return 'new';
  }
  @TaskHandler('deploy.b')
  b(_payload: unknown, task: TaskContext) {
    this.ran.push({ id: task.id, attempt: task.attempt });
    return 'new';
  }
}

describe('a rolling deploy: two app versions with different handlers on one queue', () => {
  const prefix = uniquePrefix('rolling');
  const worker = { concurrency: 5, leaseMs: LEASE_MS, shutdownGraceMs: 1_000 };
  let oldApp: TaskApp;
  let newApp: TaskApp | undefined;
  let producer: TaskApp;
  const oldLog = new CapturingLogger();

  beforeAll(async () => {
    producer = await startTaskApp(prefix, [], { worker: false });
    oldApp = await startTaskApp(prefix, [OldVersion], { worker, defaults: { attempts: 3 } });
    newApp = await startTaskApp(prefix, [NewVersion], { worker, defaults: { attempts: 3 } });
    // Nest's logger is process-wide: set after every app started (each start turns it off).
    oldApp.app.useLogger(oldLog);
  });
  afterAll(async () => {
    await newApp?.close();
    await oldApp.close();
    await producer.close();
    await removePrefix(prefix);
  });

  it('lists both workers with what they run', async () => {
    const workers = await producer.queue.workers('default');
    expect(workers).toHaveLength(2);
    expect(workers.map((w) => w.queues[0].handlers.sort())).toEqual(expect.arrayContaining([['deploy.a'], ['deploy.a', 'deploy.b']]));
    for (const w of workers) {
      expect(w).toMatchObject({ pid: process.pid, queues: [{ queue: 'default', concurrency: 5 }] });
      expect(typeof w.host).toBe('string');
      expect(w.lastSeenAt).toBeGreaterThanOrEqual(w.startedAt - 60_000);
    }
    expect(await producer.queue.workers('elsewhere')).toEqual([]);
  });

  it('runs 200 tasks of both names with none dead, each b task once and on its first attempt, in the new version', async () => {
    const refs = await producer.queue.enqueueMany(
      Array.from({ length: 200 }, (_, n) => ({ name: n % 2 === 0 ? 'deploy.a' : 'deploy.b', payload: { n }, options: { attempts: 1 } })),
    );
    const results = await Promise.all(refs.map((ref) => producer.queue.waitFor(ref, { timeout: 20_000 })));
    expect(results).toHaveLength(200);
    const counts = await producer.queue.counts();
    expect(counts.dead).toBe(0);
    const bIds = refs.filter((_, n) => n % 2 === 1).map((r) => r.id);
    const newRuns = newApp!.get(NewVersion).ran;
    for (const id of bIds) expect(newRuns.filter((r) => r.id === id)).toEqual([{ id, attempt: 1 }]);
    // Both versions took part: the old one ran some of the a tasks.
    expect(oldApp.get(OldVersion).ran.length).toBeGreaterThan(0);
  });

  it('ends a task dead with "no handler" once no live worker carries its name, with one warning', async () => {
    await newApp!.close();
    newApp = undefined;
    // The new version's advertisement of deploy.b lasts one lease after its last heartbeat.
    const ref = await producer.queue.enqueue('deploy.b', { late: true }, { attempts: 3 });
    const failed = await producer.queue.waitFor(ref, { timeout: 10_000 }).catch((e: unknown) => e as Error);
    expect(failed).toMatchObject({ name: 'TaskFailedError', message: 'no handler for deploy.b' });
    expect(await producer.queue.get(ref)).toMatchObject({ state: 'dead', attempts: 1 });
    const second = await producer.queue.enqueue('deploy.b', { late: true });
    await producer.queue.waitFor(second, { timeout: 10_000 }).catch(() => undefined);
    const warnings = oldLog.lines.filter((l) => l.startsWith('warn') && l.includes('no handler for deploy.b'));
    expect(warnings).toHaveLength(1);
    await waitUntil(async () => (await producer.queue.workers()).length === 1, 'the new version to leave the worker list');
  });
});
