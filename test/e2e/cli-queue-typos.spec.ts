import { BUILD_TIMEOUT_MS, ensureBuilt } from '../fixtures/built-package.js';
import { jsonOf, runCli, type CliRun } from '../fixtures/cli-process.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { REDIS_URL, inspector, prefixKeys, removePrefix, uniquePrefix } from '../utils/redis.js';
import { waitUntil } from '../utils/wait.js';
import type { TaskInfo, TaskRef } from '../../lib/index.js';

// A mistyped queue name is refused (exit 1) by every command that takes one,
// naming the known queues, rather than read as an empty queue with exit 0; a
// task id given without --queue is looked for in the other queues; and an
// empty prefix says which prefix and which Redis it looked at.

describe('nestjs-redis-tasks: mistyped queues and tasks in other queues', () => {
  const prefix = uniquePrefix('cli-typos');
  const redisAt = `Redis at ${new URL(REDIS_URL).hostname}:${new URL(REDIS_URL).port || 6379}`;
  let t: TaskApp;
  let delayed: TaskRef;
  let dead: TaskRef;
  let waiting: TaskRef;
  const cli = (...args: string[]) => runCli([...args, '--prefix', prefix], { REDIS_URL });

  beforeAll(async () => {
    await ensureBuilt();
    // No worker: tasks stay where they are put.
    t = await startTaskApp(prefix, [], { worker: false });
    delayed = await t.queue.enqueue('mail.send', { to: 'a' }, { queue: 'emails', delay: 600_000 });
    waiting = await t.queue.enqueue('invoice.make', {}, { queue: 'billing' });
    await t.queue.enqueue('mail.send', {}, { queue: 'emails', id: 'twice' });
    await t.queue.enqueue('invoice.make', {}, { queue: 'billing', id: 'twice' });
    // A dependent of a cancelled task ends dead, without an attempt.
    const root = await t.queue.enqueue('mail.root', {}, { queue: 'emails', delay: 600_000 });
    dead = await t.queue.enqueue('mail.child', {}, { queue: 'emails', dependsOn: [root] });
    await t.queue.cancel(root);
    await waitUntil(async () => (await t.queue.get(dead))?.state === 'dead', 'the dependent dead');
  }, BUILD_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
    await removePrefix(prefix);
  });

  it('refuses a queue the prefix does not know in every command that takes one, naming the known queues, and changes nothing', async () => {
    const commands = [
      ['counts', 'opz'], ['list', 'opz', 'waiting'], ['drain', 'opz'], ['retry', '--all-dead', '--queue', 'opz'], ['workers', 'opz'],
      ['clean', 'opz', 'dead'], ['throughput', 'opz'], ['resume', 'opz'], ['show', delayed.id, '--queue', 'opz'],
      ['retry', dead.id, '--queue', 'opz'], ['promote', delayed.id, '--queue', 'opz'], ['cancel', delayed.id, '--queue', 'opz'],
      ['remove', delayed.id, '--queue', 'opz'], ['pause', 'opz'],
    ];
    // One at a time: fourteen processes loading Nest at once starve two cores.
    const runs: CliRun[] = [];
    for (const args of commands) runs.push(await cli(...args, ...(args[0] === 'counts' ? ['--json'] : [])));
    runs.forEach((run, i) => {
      expect({ command: commands[i], code: run.code, stdout: run.stdout }).toEqual({ command: commands[i], code: 1, stdout: '' });
      const more = commands[i][0] === 'pause' ? ', or add --new to pause it before its first use' : '';
      expect(run.stderr.trim()).toBe(`nestjs-redis-tasks: no queue 'opz' under prefix '${prefix}' (known: billing, emails); check the name${more}`);
    });
    expect(await t.queue.queues()).toEqual(['billing', 'emails']);
    expect(await t.queue.get(delayed)).toMatchObject({ state: 'delayed' });
  }, 120_000);

  it('takes a queue the prefix does not list but that holds tasks (as one last used by 0.1.0)', async () => {
    await t.queue.enqueue('old.job', {}, { queue: 'legacy' });
    const redis = inspector();
    try {
      // 0.1.0 kept no list of queues.
      await redis.srem(`{${prefix}:}:queues`, 'legacy');
    } finally {
      await redis.quit();
    }
    expect(await t.queue.queues()).not.toContain('legacy');
    const [counts, list] = await Promise.all([cli('counts', 'legacy', '--json'), cli('list', 'legacy', 'waiting', '--json')]);
    expect(jsonOf(counts)).toMatchObject({ queue: 'legacy', waiting: 1 });
    expect(jsonOf<TaskInfo[]>(list).map((task) => task.name)).toEqual(['old.job']);
  }, 60_000);

  it('names the prefix and the Redis it looked at when the prefix has no queues', async () => {
    const empty = uniquePrefix('cli-typos-empty');
    const [queues, counts, workers, schedules] = await Promise.all([
      runCli(['queues', '--prefix', empty], { REDIS_URL }),
      runCli(['counts', 'emails', '--prefix', empty], { REDIS_URL }),
      runCli(['workers', '--prefix', empty], { REDIS_URL }),
      runCli(['schedules', '--prefix', empty], { REDIS_URL }),
    ]);
    expect(queues).toMatchObject({ code: 0, stderr: '', stdout: `No queues under prefix '${empty}' on ${redisAt}.\n` });
    expect(workers.stdout).toBe(`No live workers under prefix '${empty}' on ${redisAt}.\n`);
    expect(schedules.stdout).toBe(`No schedules under prefix '${empty}' on ${redisAt}.\n`);
    expect(counts).toMatchObject({ code: 1, stdout: '' });
    expect(counts.stderr.trim()).toBe(`nestjs-redis-tasks: no queue 'emails': prefix '${empty}' has no queues on ${redisAt}; check --prefix and --url`);
    expect(await prefixKeys(empty)).toEqual([]);
  }, 60_000);

  it('finds a task of another queue without --queue: shows, promotes and retries it there, saying where', async () => {
    const found = (id: string, queue: string) => `Found task '${id}' in queue '${queue}' (queue 'default' has none, and no --queue was given).`;
    const [show, json] = await Promise.all([cli('show', delayed.id), cli('show', delayed.id, '--json')]);
    expect(show).toMatchObject({ code: 0, stderr: '' });
    expect(show.stdout.split('\n').slice(0, 4)).toEqual([found(delayed.id, 'emails'), `id        ${delayed.id}`, 'name      mail.send', 'queue     emails']);
    expect(jsonOf<{ task: TaskInfo }>(json).task).toMatchObject({ id: delayed.id, queue: 'emails' });

    const [promoted, retried] = await Promise.all([cli('promote', delayed.id), cli('retry', dead.id)]);
    expect(promoted).toMatchObject({ code: 0, stderr: '' });
    expect(promoted.stdout.trim()).toBe(`${found(delayed.id, 'emails')}\nPromoted task '${delayed.id}' of queue 'emails': it is waiting now.`);
    expect(retried).toMatchObject({ code: 0, stderr: '' });
    expect(retried.stdout.trim()).toBe(`${found(dead.id, 'emails')}\nRetried task '${dead.id}' of queue 'emails': it is waiting again.`);
    expect(await Promise.all([t.queue.get(delayed), t.queue.get(dead)])).toEqual([
      expect.objectContaining({ state: 'waiting' }),
      expect.objectContaining({ state: 'waiting' }),
    ]);
  }, 60_000);

  it('names the queue, and removes nothing, when cancel or remove without --queue find the task only in another queue', async () => {
    const [cancel, remove] = await Promise.all([cli('cancel', waiting.id), cli('remove', waiting.id)]);
    for (const [run, verb] of [[cancel, 'cancel'], [remove, 'remove']] as const) {
      expect(run).toMatchObject({ code: 1, stdout: '' });
      expect(run.stderr.trim()).toBe(`nestjs-redis-tasks: no task '${waiting.id}' in queue 'default'; queue 'billing' has it: pass --queue billing to ${verb} it there`);
    }
    expect(await t.queue.get(waiting)).toMatchObject({ state: 'waiting' });
    expect(await cli('cancel', waiting.id, '--queue', 'billing')).toMatchObject({ code: 0, stderr: '' });
  }, 60_000);

  it('asks for --queue when several queues have the id, and says where it looked when none has it', async () => {
    const [twice, nowhere] = await Promise.all([cli('show', 'twice'), cli('retry', 'nowhere')]);
    expect(twice).toMatchObject({ code: 1, stdout: '' });
    expect(twice.stderr.trim()).toBe("nestjs-redis-tasks: no task 'twice' in queue 'default'; queues billing, emails each have one: pass --queue <queue> to say which");
    expect(nowhere).toMatchObject({ code: 1, stdout: '' });
    expect(nowhere.stderr.trim()).toBe(
      `nestjs-redis-tasks: no task 'nowhere' in queue 'default' nor in any other queue of prefix '${prefix}' (never added, cancelled, or removed by remove() or retention)`,
    );
  }, 60_000);
});
