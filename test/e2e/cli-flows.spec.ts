import { Injectable } from '@nestjs/common';
import { TaskHandler, type TaskRef } from '../../lib/index.js';
import { BUILD_TIMEOUT_MS, ensureBuilt } from '../fixtures/built-package.js';
import { jsonOf, runCli } from '../fixtures/cli-process.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { REDIS_URL, removePrefix, uniquePrefix } from '../utils/redis.js';
import { waitUntil } from '../utils/wait.js';

// Repairing a flow (tasks with dependsOn) from the command line: show names a
// task's dependencies and dependents with their states (what a cancel would
// take down, what a retry would run with), list of blocked tasks says what each
// waits for, and retry says when a dependency is dead and counts as ended.

@Injectable()
class FlowTasks {
  @TaskHandler('flow.fail', { queue: 'flow', attempts: 1 })
  fail() {
    throw new Error('upstream down');
  }

  @TaskHandler('flow.step', { queue: 'flow' })
  step() {
    return 'stepped';
  }
}

describe('nestjs-redis-tasks: dependencies and dependents', () => {
  const prefix = uniquePrefix('cli-flows');
  let t: TaskApp;
  let parent: TaskRef;
  let children: TaskRef[];
  const cli = (...args: string[]) => runCli([...args, '--queue', 'flow', '--prefix', prefix], { REDIS_URL });

  beforeAll(async () => {
    await ensureBuilt();
    t = await startTaskApp(prefix, [FlowTasks]);
    parent = await t.queue.enqueue('flow.fail', {});
    children = await t.queue.enqueueMany([1, 2].map(() => ({ name: 'flow.step', payload: {}, options: { queue: 'flow', dependsOn: [parent] } })));
    await waitUntil(async () => (await t.queue.counts('flow')).dead === 3, 'the parent and both children dead');
  }, BUILD_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
    await removePrefix(prefix);
  });

  it('show: the dependencies with their states, the dependents, and an error from before any attempt', async () => {
    const [child, top, json] = await Promise.all([cli('show', children[0].id), cli('show', parent.id), cli('show', children[0].id, '--json')]);
    for (const run of [child, top, json]) expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(child.stdout).toContain(`\n\ndependencies (1):\n  ${parent.id}  dead (counts as ended if this task is retried)\n\n`);
    expect(child.stdout).toMatch(/^error \(before any attempt\): /m);
    expect(child.stdout).not.toContain('attempt 0');
    const sorted = children.map((c) => c.id).sort();
    expect(top.stdout).toContain(`\n\ndependents (2):\n  ${sorted[0]}  dead\n  ${sorted[1]}  dead\n\n`);
    expect(jsonOf<{ relations: unknown }>(json).relations).toEqual({ dependencies: [parent.id], dependents: [] });
  }, 60_000);

  it('list blocked: a column of the dependencies each task waits for', async () => {
    const blocker = await t.queue.enqueue('flow.step', {}, { queue: 'flow', delay: 600_000 });
    const blocked = await t.queue.enqueue('flow.step', {}, { queue: 'flow', dependsOn: [blocker] });
    const run = await runCli(['list', 'flow', 'blocked', '--prefix', prefix], { REDIS_URL });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+NAME\s+STATE\s+ATTEMPTS\s+ENQUEUED\s+WAITS FOR\s+ERROR$/);
    expect(lines[1]).toMatch(new RegExp(`^${blocked.id}\\s+flow\\.step\\s+blocked\\s+0/1\\s+\\d+s ago\\s+${blocker.id}$`));
    await t.queue.cancel(blocker);
  }, 60_000);

  it('retry: says which dependencies are dead and count as ended, so the task runs without their results', async () => {
    const [text, json] = await Promise.all([cli('retry', children[0].id), cli('retry', children[1].id, '--json')]);
    for (const run of [text, json]) expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(text.stdout.trim().split('\n')).toEqual([
      `Retried task '${children[0].id}' of queue 'flow': it is waiting again.`,
      `Its dependency '${parent.id}' is dead and counts as ended: the task runs without its result. ` +
        'Retry dependencies before their dependents (retry --all-dead does) to run a flow in order.',
    ]);
    expect(jsonOf(json)).toEqual({ queue: 'flow', id: children[1].id, retried: true, deadDependencies: [parent.id] });
    expect(await Promise.all(children.map((c) => t.queue.waitFor(c, { timeout: 10_000 })))).toEqual(['stepped', 'stepped']);
  }, 60_000);
});
