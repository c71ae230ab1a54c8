import { Injectable } from '@nestjs/common';
import { TaskContext, TaskHandler, type TaskAttempt, type TaskInfo, type TaskRef, type WorkerInfo } from '../../lib/index.js';
import { BUILD_TIMEOUT_MS, ensureBuilt } from '../fixtures/built-package.js';
import { jsonOf, runCli } from '../fixtures/cli-process.js';
import { openRedisEngine } from '../fixtures/redis-engine.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { REDIS_URL, removePrefix, uniquePrefix } from '../utils/redis.js';
import { sleep, waitUntil } from '../utils/wait.js';

// The read-only commands of the built `nestjs-redis-tasks` binary, run as child
// processes against a real Redis where an app of the library made the tasks:
// queues, counts, list, show, workers and schedules, as tables and as --json.

@Injectable()
class CliTasks {
  @TaskHandler('cli.ok', { queue: 'work' })
  async ok(payload: { n: number }, task: TaskContext) {
    await task.log(`doing ${payload.n}`);
    return { done: payload.n };
  }

  @TaskHandler('cli.fail', { queue: 'work', attempts: 1 })
  async fail(_payload: unknown, task: TaskContext) {
    await task.log('first line');
    await task.log('about to fail');
    throw new Error('kaput');
  }
}

/** A second app's handlers, on the suite's queue 'work' and a queue of its own. */
@Injectable()
class TwoQueueTasks {
  @TaskHandler('cli.ok', { queue: 'work' })
  ok() {}

  @TaskHandler('side.job', { queue: 'side' })
  side() {}
}

describe('nestjs-redis-tasks: inspecting queues', () => {
  const prefix = uniquePrefix('cli-inspect');
  let t: TaskApp;
  let dead: TaskRef;
  let idle: TaskRef[];
  const cli = (...args: string[]) => runCli([...args, '--prefix', prefix], { REDIS_URL });

  beforeAll(async () => {
    await ensureBuilt();
    t = await startTaskApp(prefix, [CliTasks]);
    await t.queue.enqueueMany([1, 2].map((n) => ({ name: 'cli.ok', payload: { n } })));
    dead = await t.queue.enqueue('cli.fail', {});
    await t.queue.enqueue('cli.ok', { n: 3 }, { delay: 600_000 });
    // A queue no worker serves: its tasks wait, in enqueue order.
    idle = await t.queue.enqueueMany(['a.job', 'b.job', 'a.job', 'b.job', 'a.job'].map((name, i) => ({ name, payload: { i }, options: { queue: 'idle' } })));
    await t.queue.schedule('nightly', 'report.build', { full: true }, { cron: '0 3 * * *', queue: 'reports' });
    await waitUntil(async () => {
      const counts = await t.queue.counts('work');
      return counts.completed === 2 && counts.dead === 1;
    }, 'two completed and one dead task');
  }, BUILD_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
    await removePrefix(prefix);
  });

  it('queues: every queue with its counts, as a table and as JSON', async () => {
    const [table, json] = await Promise.all([cli('queues'), cli('queues', '--json')]);
    console.info(`cli-inspect: queues ran in ${table.ms} ms (table) and ${json.ms} ms (--json)`);
    expect(table).toMatchObject({ code: 0, stderr: '' });
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^QUEUE\s+BLOCKED\s+WAITING\s+DELAYED\s+ACTIVE\s+COMPLETED\s+DEAD\s+PAUSED$/);
    expect(lines.slice(1).map((line) => line.split(/\s+/))).toEqual([
      ['idle', '0', '5', '0', '0', '0', '0', 'no'],
      ['reports', '0', '0', '0', '0', '0', '0', 'no'],
      ['work', '0', '0', '1', '0', '2', '1', 'no'],
    ]);
    // Columns are aligned: the last one starts at the same place on every line.
    expect(new Set(lines.map((line) => line.lastIndexOf(' ') + 1)).size).toBe(1);
    expect(jsonOf(json)).toEqual([
      { queue: 'idle', blocked: 0, waiting: 5, delayed: 0, active: 0, completed: 0, dead: 0, paused: false },
      { queue: 'reports', blocked: 0, waiting: 0, delayed: 0, active: 0, completed: 0, dead: 0, paused: false },
      { queue: 'work', blocked: 0, waiting: 0, delayed: 1, active: 0, completed: 2, dead: 1, paused: false },
    ]);
  });

  it('counts: one queue', async () => {
    const [table, json] = await Promise.all([cli('counts', 'work'), cli('counts', 'work', '--json')]);
    expect(table).toMatchObject({ code: 0, stderr: '' });
    expect(table.stdout.trimEnd().split('\n')[1].split(/\s+/)).toEqual(['work', '0', '0', '1', '0', '2', '1', 'no']);
    expect(jsonOf(json)).toEqual({ queue: 'work', blocked: 0, waiting: 0, delayed: 1, active: 0, completed: 2, dead: 1, paused: false });
  });

  it('list: a page of one state, filtered by name, with --limit and --offset', async () => {
    const [all, named, page, deadList, json, none] = await Promise.all([
      cli('list', 'idle', 'waiting'),
      cli('list', 'idle', 'waiting', '--name', 'a.job', '--json'),
      cli('list', 'idle', 'waiting', '--limit', '2', '--offset', '1', '--json'),
      cli('list', 'work', 'dead'),
      cli('list', 'work', 'completed', '--json'),
      cli('list', 'idle', 'dead'),
    ]);
    for (const run of [all, named, page, deadList, json, none]) expect(run).toMatchObject({ code: 0, stderr: '' });
    const rows = all.stdout.trimEnd().split('\n');
    expect(rows[0]).toMatch(/^ID\s+NAME\s+STATE\s+ATTEMPTS\s+ENQUEUED\s+DUE\s+ERROR$/);
    expect(rows.slice(1).map((line) => line.split(/\s+/).slice(0, 4))).toEqual(
      idle.map((ref, i) => [ref.id, i % 2 === 0 ? 'a.job' : 'b.job', 'waiting', '0/1']),
    );
    expect(rows[1]).toMatch(/\ds ago/);
    expect(jsonOf<TaskInfo[]>(named).map((task) => task.id)).toEqual([idle[0].id, idle[2].id, idle[4].id]);
    expect(jsonOf<TaskInfo[]>(page).map((task) => task.id)).toEqual([idle[1].id, idle[2].id]);
    expect(deadList.stdout).toMatch(new RegExp(`^${dead.id}\\s+cli\\.fail\\s+dead\\s+1/1\\s+.*ago\\s+.*ago\\s+kaput$`, 'm'));
    expect(jsonOf<TaskInfo[]>(json)).toEqual([
      expect.objectContaining({ name: 'cli.ok', state: 'completed', result: { done: 1 }, payload: { n: 1 } }),
      expect.objectContaining({ name: 'cli.ok', state: 'completed', result: { done: 2 }, payload: { n: 2 } }),
    ]);
    expect(none.stdout.trim()).toBe("No dead tasks in queue 'idle'.");
  });

  it('list --newest: the last tasks of the state first, the offset counted from the end; past the end, says how many there are', async () => {
    const [newest, second, past, pastNewest, withName] = await Promise.all([
      cli('list', 'idle', 'waiting', '--newest', '--limit', '2', '--json'),
      cli('list', 'idle', 'waiting', '--newest', '--limit', '2', '--offset', '4', '--json'),
      cli('list', 'idle', 'waiting', '--offset', '50'),
      cli('list', 'idle', 'waiting', '--newest', '--offset', '5'),
      cli('list', 'idle', 'waiting', '--newest', '--name', 'a.job'),
    ]);
    expect(jsonOf<TaskInfo[]>(newest).map((task) => task.id)).toEqual([idle[4].id, idle[3].id]);
    expect(jsonOf<TaskInfo[]>(second).map((task) => task.id)).toEqual([idle[0].id]);
    expect(past.stdout.trim()).toBe("No waiting tasks in queue 'idle' past offset 50: 5 in all.");
    expect(pastNewest.stdout.trim()).toBe("No waiting tasks in queue 'idle' past offset 5: 5 in all.");
    expect(withName).toMatchObject({ code: 2, stderr: expect.stringContaining('list: --newest cannot go with --name, which reads from the oldest end') });
  });

  it('show: the fields, each attempt, the error with its stack, and the log lines', async () => {
    const [table, json, missing] = await Promise.all([
      cli('show', dead.id, '--queue', 'work'),
      cli('show', dead.id, '--queue', 'work', '--json'),
      cli('show', 'no-such-task', '--queue', 'work'),
    ]);
    expect(table).toMatchObject({ code: 0, stderr: '' });
    const text = table.stdout;
    expect(text).toMatch(new RegExp(`^id\\s+${dead.id}$`, 'm'));
    expect(text).toMatch(/^name\s+cli\.fail$/m);
    expect(text).toMatch(/^state\s+dead$/m);
    expect(text).toMatch(/^attempts\s+1 of 1$/m);
    expect(text).toMatch(/^finished\s+\d{4}-\d\d-\d\dT.*Z \(\d+s ago\)$/m);
    expect(text).toMatch(/^attempts \(1\):\n {2}#1 dead {7}started \d{4}-.*Z \(\d+s ago\), ran \d+ ms: Error: kaput$/m);
    expect(text).toMatch(/^error \(attempt 1\): Error: kaput$/m);
    expect(text).toMatch(/^ {2}at .*CliTasks\.fail/m);
    expect(text).toMatch(/^log \(2 lines\):\n {2}\d{4}-.*Z {2}first line\n {2}\d{4}-.*Z {2}about to fail$/m);
    const shown = jsonOf<{ task: TaskInfo; attempts: TaskAttempt[]; logs: Array<{ at: number; message: string }> }>(json);
    expect(shown.attempts).toEqual([expect.objectContaining({ attempt: 1, outcome: 'dead', error: expect.objectContaining({ message: 'kaput' }) })]);
    expect(shown.task).toMatchObject({ id: dead.id, queue: 'work', state: 'dead', attempts: 1, error: { message: 'kaput', name: 'Error' } });
    expect(shown.task.error!.stack).toContain('CliTasks.fail');
    expect(shown.logs.map((line) => line.message)).toEqual(['first line', 'about to fail']);
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr.trim()).toBe("nestjs-redis-tasks: no task 'no-such-task' in queue 'work' (never added, cancelled, or removed by remove() or retention)");
  });

  it('workers and schedules: the live worker and the schedule, as tables and as JSON', async () => {
    const [table, json, ofIdle, schedules, schedulesJson] = await Promise.all([
      cli('workers', 'work'),
      cli('workers', '--json'),
      cli('workers', 'idle'),
      cli('schedules'),
      cli('schedules', '--json'),
    ]);
    for (const run of [table, json, ofIdle, schedules, schedulesJson]) expect(run).toMatchObject({ code: 0, stderr: '' });
    const [worker] = jsonOf<WorkerInfo[]>(json);
    expect(worker).toMatchObject({ pid: process.pid, heartbeatEveryMs: expect.any(Number), queues: [{ queue: 'work', handlers: ['cli.ok', 'cli.fail'], concurrency: 5 }] });
    expect(table.stdout).toMatch(/^INSTANCE\s+HOST\s+PID\s+STARTED\s+SEEN\s+QUEUES \(RUNNING\/CONCURRENCY\)$/m);
    expect(table.stdout).toMatch(new RegExp(`^${worker.instanceId}\\s+\\S+\\s+${process.pid}\\s+\\d+s ago\\s+\\d+s ago\\s+work \\(0/5\\)$`, 'm'));
    expect(ofIdle.stdout.trim()).toBe("No live workers of queue 'idle'.");
    expect(schedules.stdout).toMatch(/^nightly\s+reports\s+report\.build\s+cron 0 3 \* \* \*\s+\d{4}-\d\d-\d\dT03:00:00\.000Z\s+in \d+[hm]$/m);
    expect(jsonOf(schedulesJson)).toEqual([{ id: 'nightly', name: 'report.build', queue: 'reports', payload: { full: true }, cron: '0 3 * * *', priority: 0, attempts: 1, backoff: { type: 'exponential', delay: 1_000 }, next: expect.any(Number) }]);
  });

  it('workers: marks a worker that missed two heartbeats late, while it is still listed', async () => {
    const own = await openRedisEngine('cli-late');
    try {
      // Two workers whose records last a minute: one that beats every minute, one every 100 ms. After a second
      // without a beat, the second is late and the first is not.
      const queues = [{ queue: 'work', handlers: ['cli.ok'], concurrency: 1, running: 0, buffered: 0 }];
      await own.engine.heartbeat({ instanceId: 'w-steady', host: 'h', pid: 1, startedAt: Date.now(), heartbeatEveryMs: 60_000, queues }, 60_000);
      await own.engine.heartbeat({ instanceId: 'w-stalled', host: 'h', pid: 2, startedAt: Date.now(), heartbeatEveryMs: 100, queues }, 60_000);
      await sleep(1_000);
      const { stdout } = await runCli(['workers', '--prefix', own.prefix], { REDIS_URL });
      expect(stdout).toMatch(/^w-steady\s.*\s\d+s ago\s+work \(0\/1\)$/m);
      expect(stdout).toMatch(/^w-stalled\s.*\s\d+s ago \(late: beats every 100 ms; stopped or stalled\?\)\s+work \(0\/1\)$/m);
    } finally {
      await own.close();
    }
  });

  it("workers <queue>: each worker's line shows that queue only, and --json every queue it serves", async () => {
    const second = await startTaskApp(prefix, [TwoQueueTasks]);
    try {
      const [work, side, json] = await Promise.all([cli('workers', 'work'), cli('workers', 'side'), cli('workers', 'side', '--json')]);
      const lines = (run: { stdout: string }) => run.stdout.trimEnd().split('\n').slice(1);
      expect(lines(work)).toHaveLength(2);
      for (const line of lines(work)) expect(line).toMatch(/\swork \(0\/5\)$/);
      expect(lines(side)).toEqual([expect.stringMatching(/\sside \(0\/5\)$/)]);
      expect(jsonOf<WorkerInfo[]>(json).map((w) => w.queues.map((q) => q.queue).sort())).toEqual([['side', 'work']]);
    } finally {
      await second.close();
    }
  });
});
