import { Injectable } from '@nestjs/common';
import { TaskHandler, type ThroughputPoint } from '../../lib/index.js';
import { BUILD_TIMEOUT_MS, ensureBuilt } from '../fixtures/built-package.js';
import { jsonOf, runCli } from '../fixtures/cli-process.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { REDIS_URL, removePrefix, uniquePrefix } from '../utils/redis.js';
import { waitUntil } from '../utils/wait.js';

// The built binary's clean, throughput and unschedule, run as child processes
// against a real Redis where an app of the library ran the tasks; what they did
// is checked through the library.

@Injectable()
class UpkeepTasks {
  @TaskHandler('upkeep.ok', { queue: 'upkeep' })
  ok(payload: { n: number }) {
    return payload.n;
  }

  @TaskHandler('upkeep.fail', { queue: 'upkeep', attempts: 1 })
  fail() {
    throw new Error('no luck');
  }
}

describe('nestjs-redis-tasks: clean, throughput and unschedule', () => {
  const prefix = uniquePrefix('cli-upkeep');
  let t: TaskApp;
  const cli = (...args: string[]) => runCli([...args, '--prefix', prefix], { REDIS_URL });

  beforeAll(async () => {
    await ensureBuilt();
    t = await startTaskApp(prefix, [UpkeepTasks]);
    await t.queue.enqueueMany([1, 2, 3].map((n) => ({ name: 'upkeep.ok', payload: { n } })));
    await t.queue.enqueueMany([1, 2].map(() => ({ name: 'upkeep.fail', payload: {} })));
    await waitUntil(async () => {
      const counts = await t.queue.counts('upkeep');
      return counts.completed === 3 && counts.dead === 2;
    }, 'three completed and two dead tasks');
  }, BUILD_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
    await removePrefix(prefix);
  });

  it('throughput: attempts per minute, oldest first, as a table with a total and as JSON', async () => {
    const [table, json] = await Promise.all([cli('throughput', 'upkeep', '--minutes', '5'), cli('throughput', 'upkeep', '--minutes', '5', '--json')]);
    for (const run of [table, json]) expect(run).toMatchObject({ code: 0, stderr: '' });
    const points = jsonOf<ThroughputPoint[]>(json);
    expect(points).toHaveLength(5);
    expect(points.map((p) => p.minute)).toEqual([...points.map((p) => p.minute)].sort((a, b) => a - b));
    expect(points.reduce((sum, p) => sum + p.completed, 0)).toBe(3);
    expect(points.reduce((sum, p) => sum + p.failed, 0)).toBe(2);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^MINUTE \(UTC\)\s+COMPLETED\s+FAILED$/);
    expect(lines.slice(1, 6).every((line) => /^\d{4}-\d\d-\d\dT\d\d:\d\dZ\s+(\d+m ago|\d+s ago)\s+\d+\s+\d+$/.test(line))).toBe(true);
    expect(lines[lines.length - 1]).toBe("Queue 'upkeep', last 5 minutes: 3 completed, 2 failed.");
    const wrong = await cli('throughput', 'upkeep', '--minutes', '121');
    expect(wrong).toMatchObject({ code: 2, stdout: '' });
    expect(wrong.stderr).toContain("throughput: --minutes must be a whole number from 1 to 120, got '121'");
  }, 60_000);

  it('clean: finished tasks of one state, oldest first, within --limit and --older-than', async () => {
    const completed = (await t.queue.list('completed', { queue: 'upkeep' })).map((task) => task.id);
    const [young, limited] = [await cli('clean', 'upkeep', 'dead', '--older-than', '1h'), await cli('clean', 'upkeep', 'completed', '--limit', '2', '--json')];
    expect(young).toMatchObject({ code: 0, stderr: '' });
    expect(young.stdout.trim()).toBe("Removed 0 dead tasks that finished at least 1h ago from queue 'upkeep'.");
    expect(jsonOf(limited)).toEqual({ queue: 'upkeep', state: 'completed', removed: 2, ids: completed.slice(0, 2) });
    const all = await cli('clean', 'upkeep', 'dead', '--older-than', '0');
    expect(all.stdout.trim()).toBe("Removed 2 dead tasks from queue 'upkeep'.");
    expect(await t.queue.counts('upkeep')).toMatchObject({ completed: 1, dead: 0 });
    expect(await t.queue.get(completed[2], { queue: 'upkeep' })).not.toBeNull();

    const cases: Array<[string[], string]> = [
      [['clean', 'upkeep', 'waiting'], "clean: state must be completed or dead (only finished tasks are cleaned), got 'waiting'"],
      [['clean', 'upkeep', 'dead', '--older-than', '2w'], "clean: --older-than must be a duration such as 90s, 15m, 2h or 7d, or a whole number of ms, got '2w'"],
      [['clean', 'upkeep', 'dead', '--limit', '0'], "clean: --limit must be a whole number of at least 1, got '0'"],
      [['clean', 'upkeep'], 'clean: expects 2 arguments, got 1'],
    ];
    const refused = await Promise.all(cases.map(([args]) => cli(...args)));
    refused.forEach((run, i) => {
      expect({ args: cases[i][0], code: run.code, stdout: run.stdout }).toEqual({ args: cases[i][0], code: 2, stdout: '' });
      expect(run.stderr).toContain(`nestjs-redis-tasks: ${cases[i][1]}\nUsage: nestjs-redis-tasks clean <queue> <completed|dead>`);
    });
  }, 60_000);

  it('unschedule: removes a schedule, so it no longer fires; a missing one fails with exit 1, naming those there are', async () => {
    await t.queue.schedule('nightly', 'upkeep.ok', { n: 9 }, { cron: '0 3 * * *', queue: 'upkeep' });
    await t.queue.schedule('hourly', 'upkeep.ok', { n: 8 }, { cron: '0 * * * *', queue: 'upkeep' });
    const removed = await cli('unschedule', 'nightly', '--json');
    expect(removed).toMatchObject({ code: 0, stderr: '' });
    expect(jsonOf(removed)).toEqual({ id: 'nightly', unscheduled: true });
    expect((await t.queue.schedules()).map((s) => s.id)).toEqual(['hourly']);
    // In turn: the refusal lists the schedules there are, which the second run changes.
    const again = await cli('unschedule', 'nightly');
    const [text, bad] = await Promise.all([cli('unschedule', 'hourly'), cli('unschedule', 'a{b')]);
    expect(again).toMatchObject({ code: 1, stdout: '' });
    expect(again.stderr.trim()).toBe(`nestjs-redis-tasks: no schedule 'nightly' under prefix '${prefix}' (known: hourly)`);
    expect(text.stdout.trim()).toBe("Removed schedule 'hourly': nothing more is enqueued from it from now on; tasks it enqueued stay.");
    expect(await t.queue.schedules()).toEqual([]);
    // Named as its task: a schedule an app declares with @TaskHandler({ schedule }), which that app saves again at its start.
    await t.queue.schedule('upkeep.ok', 'upkeep.ok', { n: 7 }, { every: 60_000, queue: 'upkeep' });
    const declared = await cli('unschedule', 'upkeep.ok');
    expect(declared.stdout.trim()).toBe(
      "Removed schedule 'upkeep.ok': nothing more is enqueued from it until an app that declares it with @TaskHandler({ schedule }) starts " +
        'and saves it again (remove the declaration to end it for good); tasks it enqueued stay.',
    );
    expect(bad).toMatchObject({ code: 2, stdout: '' });
    expect(bad.stderr).toContain('nestjs-redis-tasks: unschedule: <id> must be a non-empty string');
  }, 60_000);
});
