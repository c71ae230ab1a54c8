import { Test } from '@nestjs/testing';
import { Redis } from 'ioredis';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TaskModule, TaskQueue, type TaskRef } from '../../lib/index.js';
import { BUILD_TIMEOUT_MS, ensureBuilt } from '../fixtures/built-package.js';
import { PACKAGE_ROOT, ownRedis, type OwnRedis } from '../fixtures/child-processes.js';
import { runCli, type CliRun } from '../fixtures/cli-process.js';

// The read-only Redis user docs/cli.md documents (read from there, rule for
// rule) runs the commands that only look, is refused the changes, and meets the
// one exception the docs name: reading counts drops a stale held-back task name.

const USER = 'tasks-readonly';
const PASSWORD = 'R34d-only-pw';

/** The rules after the user name of the `ACL SETUSER tasks-readonly` line of docs/cli.md, with the password filled in. */
function documentedRules(): string[] {
  const line = readFileSync(join(PACKAGE_ROOT, 'docs', 'cli.md'), 'utf8').split('\n').find((l) => l.startsWith(`ACL SETUSER ${USER} `));
  if (!line) throw new Error(`docs/cli.md has no 'ACL SETUSER ${USER}' line`);
  return line.split(' ').slice(3).filter((rule) => rule !== '').map((rule) => (rule === '>PASSWORD' ? `>${PASSWORD}` : rule));
}

describe('nestjs-redis-tasks: as a Redis user that may only read', () => {
  let redis: OwnRedis;
  let admin: Redis;
  let delayed: TaskRef;
  const cli = (...args: string[]) => runCli([...args, '--url', `redis://${USER}:${PASSWORD}@127.0.0.1:${redis.port}`]);

  beforeAll(async () => {
    await ensureBuilt();
    redis = await ownRedis(['--appendonly', 'no']);
    await redis.start();
    admin = new Redis(redis.port, '127.0.0.1', { maxRetriesPerRequest: 1 });
    await admin.call('ACL', 'SETUSER', USER, ...documentedRules());
    // An app of the default user makes a queue with a delayed task, and a schedule.
    const moduleRef = await Test.createTestingModule({ imports: [TaskModule.forRoot({ connection: redis.url, worker: false })] }).compile();
    moduleRef.useLogger(false);
    const app = await moduleRef.init();
    try {
      const queue = app.get(TaskQueue);
      delayed = await queue.enqueue('mail.send', { to: 'a' }, { queue: 'emails', delay: 600_000 });
      await queue.schedule('nightly', 'mail.send', {}, { cron: '0 3 * * *', queue: 'emails' });
    } finally {
      await app.close();
    }
  }, BUILD_TIMEOUT_MS);
  afterAll(async () => {
    admin?.disconnect();
    await redis?.destroy();
  });

  it('runs the commands that only look, and is refused a change it has something to do for', async () => {
    const looks = [['queues'], ['counts', 'emails'], ['list', 'emails', 'delayed'], ['show', delayed.id], ['throughput', 'emails'], ['workers'], ['workers', 'emails'], ['schedules']];
    // One at a time: many processes loading Nest at once starve two cores.
    const runs: CliRun[] = [];
    for (const args of looks) runs.push(await cli(...args));
    runs.forEach((run, i) => expect({ args: looks[i], code: run.code, stderr: run.stderr }).toEqual({ args: looks[i], code: 0, stderr: '' }));
    const [pause, drainDelayed, drainWaiting] = await Promise.all([cli('pause', 'emails'), cli('drain', 'emails', '--delayed'), cli('drain', 'emails')]);
    for (const run of [pause, drainDelayed]) {
      expect(run).toMatchObject({ code: 1, stdout: '' });
      expect(run.stderr).toContain('permission denied');
      expect(run.stderr).not.toContain(PASSWORD);
    }
    // Nothing waiting: nothing to remove, so nothing the user may not do.
    expect(drainWaiting).toMatchObject({ code: 0, stdout: "Removed 0 waiting tasks from queue 'emails'.\n" });
  }, 60_000);

  it('cannot read counts while a stale held-back task name waits to be dropped, unless it may SREM', async () => {
    // A name left in the queue's set of names held back by a fleet-wide limit, with none of its tasks held back.
    await admin.sadd('{tasks:emails}:gpn', 'mail.send');
    const refused = await cli('counts', 'emails');
    expect(refused).toMatchObject({ code: 1, stdout: '' });
    expect(refused.stderr).toContain('permission denied');
    await admin.call('ACL', 'SETUSER', USER, '+srem');
    expect(await cli('counts', 'emails')).toMatchObject({ code: 0, stderr: '' });
    expect(await admin.smembers('{tasks:emails}:gpn')).toEqual([]);
  }, 60_000);

  it('says a database the user may not select is a permission to grant (exit 1), not wrong usage', async () => {
    const run = await runCli(['queues', '--url', `redis://${USER}:${PASSWORD}@127.0.0.1:${redis.port}/3`]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/refused to switch to database 3 .*the ACL user needs \+select/);
    expect(run.stderr).not.toMatch(/Usage|TaskModule options/);
    expect(run.stderr).not.toContain(PASSWORD);
  }, 60_000);
});
