import { Injectable } from '@nestjs/common';
import { TaskHandler } from '../../lib/index.js';
import { BUILD_TIMEOUT_MS, ensureBuilt } from '../fixtures/built-package.js';
import { jsonOf, runCli } from '../fixtures/cli-process.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { REDIS_URL, inspector, removePrefix, uniquePrefix } from '../utils/redis.js';
import { waitUntil } from '../utils/wait.js';

// The commands of the built binary that change queues (retry, cancel, pause,
// resume, drain), run as child processes against a real Redis; what they did
// is checked through the library.

let failing = true;

@Injectable()
class OpsTasks {
  @TaskHandler('ops.flaky', { queue: 'ops', attempts: 1 })
  flaky(payload: { n: number }) {
    if (failing) throw new Error(`not yet ${payload.n}`);
    return payload.n;
  }
}

describe('nestjs-redis-tasks: operating queues', () => {
  const prefix = uniquePrefix('cli-operate');
  let t: TaskApp;
  const cli = (...args: string[]) => runCli([...args, '--prefix', prefix], { REDIS_URL });

  beforeAll(async () => {
    await ensureBuilt();
    t = await startTaskApp(prefix, [OpsTasks]);
  }, BUILD_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
    await removePrefix(prefix);
  });

  it('retry: one dead task, or every dead task with --all-dead; a task that is not dead fails with exit 1', async () => {
    const refs = await t.queue.enqueueMany([1, 2, 3].map((n) => ({ name: 'ops.flaky', payload: { n } })));
    await waitUntil(async () => (await t.queue.counts('ops')).dead === 3, 'three dead tasks');
    failing = false;

    const one = await cli('retry', refs[0].id, '--queue', 'ops', '--json');
    expect(one).toMatchObject({ code: 0, stderr: '' });
    expect(jsonOf(one)).toEqual({ queue: 'ops', id: refs[0].id, retried: true, deadDependencies: [] });
    expect(await t.queue.waitFor(refs[0], { timeout: 5_000 })).toBe(1);

    const [again, all] = await Promise.all([cli('retry', refs[0].id, '--queue', 'ops'), cli('retry', '--all-dead', '--queue', 'ops')]);
    expect(again).toMatchObject({ code: 1, stdout: '' });
    expect(again.stderr.trim()).toBe(`nestjs-redis-tasks: task '${refs[0].id}' in queue 'ops' is completed; only dead tasks can be retried`);
    expect(all).toMatchObject({ code: 0, stderr: '' });
    expect(all.stdout.trim()).toBe("Retried 2 dead tasks of queue 'ops'.");
    expect(await Promise.all(refs.slice(1).map((ref) => t.queue.waitFor(ref, { timeout: 5_000 })))).toEqual([2, 3]);

    const [none, missing] = await Promise.all([cli('retry', '--all-dead', '--queue', 'ops', '--name', 'ops.flaky', '--json'), cli('retry', 'nope', '--queue', 'ops')]);
    expect(jsonOf(none)).toEqual({ queue: 'ops', retried: 0 });
    // A misspelt name retries nothing: the output says which names the queue's live workers handle.
    const [typo, handled] = await Promise.all([
      cli('retry', '--all-dead', '--queue', 'ops', '--name', 'ops.flaki'),
      cli('retry', '--all-dead', '--queue', 'ops', '--name', 'ops.flaky'),
    ]);
    expect(typo).toMatchObject({ code: 0, stderr: '' });
    expect(typo.stdout.trim().split('\n')).toEqual([
      "Retried 0 dead tasks named 'ops.flaki' of queue 'ops'.",
      "No live worker of queue 'ops' handles a task named 'ops.flaki'; they handle 'ops.flaky'.",
    ]);
    expect(handled.stdout.trim()).toBe("Retried 0 dead tasks named 'ops.flaky' of queue 'ops'.");
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toContain("no task 'nope' in queue 'ops'");
    // Without --queue it means 'default', which this prefix has not used yet: the refusal says to name the queue.
    const unnamed = await cli('retry', '--all-dead');
    expect(unnamed).toMatchObject({ code: 1, stdout: '' });
    expect(unnamed.stderr).toMatch(/no queue 'default' under prefix '[^']+' \(known: .*ops.*\); check the name, or name the queue: retry --all-dead --queue <queue>/);
  }, 60_000);

  it('cancel: a task that has not started, in the default queue unless --queue; a missing or finished one fails', async () => {
    const later = await t.queue.enqueue('anything', {}, { delay: 600_000 });
    const [done] = await t.queue.enqueueMany([{ name: 'ops.flaky', payload: { n: 4 } }]);
    await t.queue.waitFor(done, { timeout: 5_000 });

    const [cancelled, finished] = await Promise.all([cli('cancel', later.id), cli('cancel', done.id, '--queue', 'ops', '--json')]);
    expect(later.queue).toBe('default');
    expect(cancelled).toMatchObject({ code: 0, stderr: '' });
    expect(cancelled.stdout.trim()).toBe(`Cancelled task '${later.id}' of queue 'default'.`);
    expect(await t.queue.get(later)).toBeNull();
    expect(finished).toMatchObject({ code: 1, stdout: '' });
    expect(finished.stderr.trim()).toBe(`nestjs-redis-tasks: task '${done.id}' in queue 'ops' is completed; only waiting, delayed or blocked tasks can be cancelled`);

    const gone = await cli('cancel', later.id);
    expect(gone).toMatchObject({ code: 1, stdout: '' });
    expect(gone.stderr).toContain(`no task '${later.id}' in queue 'default'`);
  });

  it('promote: a delayed task runs now; one that is not delayed fails with exit 1', async () => {
    failing = false;
    const [later] = await t.queue.enqueueMany([{ name: 'ops.flaky', payload: { n: 5 }, options: { delay: 600_000 } }]);
    const promoted = await cli('promote', later.id, '--queue', 'ops', '--json');
    expect(promoted).toMatchObject({ code: 0, stderr: '' });
    expect(jsonOf(promoted)).toEqual({ queue: 'ops', id: later.id, promoted: true });
    expect(await t.queue.waitFor(later, { timeout: 5_000 })).toBe(5);
    const [again, missing] = await Promise.all([cli('promote', later.id, '--queue', 'ops'), cli('promote', 'nope')]);
    expect(again).toMatchObject({ code: 1, stdout: '' });
    expect(again.stderr.trim()).toBe(`nestjs-redis-tasks: task '${later.id}' in queue 'ops' is completed; only delayed tasks can be promoted`);
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toContain("no task 'nope' in queue 'default'");
  });

  it('remove: a finished task with its record, in the default queue unless --queue; a missing one fails', async () => {
    const [done] = await t.queue.enqueueMany([{ name: 'ops.flaky', payload: { n: 4 } }]);
    await t.queue.waitFor(done, { timeout: 5_000 });
    const removed = await cli('remove', done.id, '--queue', 'ops', '--json');
    expect(removed).toMatchObject({ code: 0, stderr: '' });
    expect(jsonOf(removed)).toEqual({ queue: 'ops', id: done.id, removed: true });
    expect(await t.queue.get(done)).toBeNull();
    const again = await cli('remove', done.id, '--queue', 'ops');
    expect(again).toMatchObject({ code: 1, stdout: '' });
    expect(again.stderr).toContain(`no task '${done.id}' in queue 'ops'`);
  });

  it('pause and resume a queue across the fleet; a queue the prefix does not know needs --new to be paused', async () => {
    // 'quiet' is not used yet: a typo is refused, naming the known queues, and --new pauses it before its first use.
    const unknown = await cli('pause', 'quiet');
    expect(unknown).toMatchObject({ code: 1, stdout: '' });
    expect(unknown.stderr.trim()).toBe(`nestjs-redis-tasks: no queue 'quiet' under prefix '${prefix}' (known: default, ops); check the name, or add --new to pause it before its first use`);
    expect(await t.queue.queues()).not.toContain('quiet');
    const paused = await cli('pause', 'quiet', '--new', '--json');
    expect(paused).toMatchObject({ code: 0, stderr: '' });
    expect(jsonOf(paused)).toEqual({ queue: 'quiet', paused: true });
    expect(await t.queue.counts('quiet')).toMatchObject({ paused: true });
    const resumed = await cli('resume', 'quiet');
    expect(resumed).toMatchObject({ code: 0, stderr: '' });
    expect(resumed.stdout.trim()).toBe("Resumed queue 'quiet'.");
    expect(await t.queue.counts('quiet')).toMatchObject({ paused: false });
    const typo = await cli('resume', 'quiett');
    expect(typo).toMatchObject({ code: 1, stdout: '' });
    expect(typo.stderr).toContain(`no queue 'quiett' under prefix '${prefix}'`);
    // Paused without being listed (as an app of 0.1.0 paused a queue before its first use): resume takes it.
    const redis = inspector();
    try {
      await redis.set(`{${prefix}:legacy}:paused`, '1');
    } finally {
      await redis.quit();
    }
    expect(await t.queue.queues()).not.toContain('legacy');
    expect(await t.queue.counts('legacy')).toMatchObject({ paused: true });
    expect(await cli('resume', 'legacy')).toMatchObject({ code: 0, stderr: '' });
    expect(await t.queue.counts('legacy')).toMatchObject({ paused: false });
  });

  it('drain: waiting tasks, and delayed ones too with --delayed, asking nothing', async () => {
    await t.queue.enqueueMany([1, 2, 3].map((n) => ({ name: 'idle.job', payload: { n }, options: { queue: 'quiet' } })));
    await t.queue.enqueue('idle.job', {}, { queue: 'quiet', delay: 600_000 });

    const waiting = await cli('drain', 'quiet');
    expect(waiting).toMatchObject({ code: 0, stderr: '' });
    expect(waiting.stdout.trim()).toBe("Removed 3 waiting tasks from queue 'quiet'.");
    expect(await t.queue.counts('quiet')).toMatchObject({ waiting: 0, delayed: 1 });

    const delayed = await cli('drain', 'quiet', '--delayed', '--json');
    expect(jsonOf(delayed)).toEqual({ queue: 'quiet', removed: 1 });
    expect(await t.queue.counts('quiet')).toMatchObject({ waiting: 0, delayed: 0 });
  });
});
