import { Test } from '@nestjs/testing';
import { Redis } from 'ioredis';
import { TaskModule, TaskQueue, type TaskRef } from '../../lib/index.js';
import { BUILD_TIMEOUT_MS, ensureBuilt } from '../fixtures/built-package.js';
import { ownRedis, type OwnRedis } from '../fixtures/child-processes.js';
import { jsonOf, runCli, type CliRun } from '../fixtures/cli-process.js';
import { waitUntil } from '../utils/wait.js';

// An operator points the tool at a replica to keep the master's load down:
// the commands that only look answer from it; one that changes something is
// refused at connect, naming the master as what to give (the tool has no
// Sentinel shape, so that advice is left out), and nothing is written.

describe('nestjs-redis-tasks: against a replica', () => {
  let master: OwnRedis;
  let replica: OwnRedis;
  let delayed: TaskRef;
  const cli = (...args: string[]) => runCli([...args, '--url', replica.url]);

  beforeAll(async () => {
    await ensureBuilt();
    master = await ownRedis(['--appendonly', 'no']);
    await master.start();
    replica = await ownRedis(['--appendonly', 'no', '--replicaof', '127.0.0.1', String(master.port)]);
    await replica.start();
    const moduleRef = await Test.createTestingModule({ imports: [TaskModule.forRoot({ connection: master.url, worker: false })] }).compile();
    moduleRef.useLogger(false);
    const app = await moduleRef.init();
    try {
      const queue = app.get(TaskQueue);
      delayed = await queue.enqueue('mail.send', { to: 'a' }, { queue: 'emails', delay: 600_000 });
      await queue.enqueue('mail.send', { to: 'b' }, { queue: 'emails' });
      await queue.schedule('nightly', 'mail.send', {}, { cron: '0 3 * * *', queue: 'emails' });
    } finally {
      await app.close();
    }
    const admin = new Redis(master.port, '127.0.0.1', { maxRetriesPerRequest: 1 });
    try {
      await waitUntil(async () => Number(await admin.call('WAIT', 1, 1_000)) >= 1, 'the replica to have the writes');
    } finally {
      admin.disconnect();
    }
  }, BUILD_TIMEOUT_MS);
  afterAll(async () => {
    await replica?.destroy();
    await master?.destroy();
  });

  it('answers the commands that only look from the replica', async () => {
    const looks = [['queues'], ['list', 'emails', 'delayed'], ['show', delayed.id], ['throughput', 'emails'], ['workers'], ['schedules']];
    // One at a time: many processes loading Nest at once starve two cores.
    const runs: CliRun[] = [];
    for (const args of looks) runs.push(await cli(...args));
    runs.forEach((run, i) => expect({ args: looks[i], code: run.code, stderr: run.stderr }).toEqual({ args: looks[i], code: 0, stderr: '' }));
    const counts = await cli('counts', 'emails', '--json');
    expect(counts.stderr).toBe('');
    expect(jsonOf(counts)).toMatchObject({ queue: 'emails', waiting: 1, delayed: 1 });
  });

  it('refuses a change at connect, naming the master to give in --url, and writes nothing', async () => {
    const pause = await cli('pause', 'emails');
    expect(pause.code).toBe(2);
    expect(pause.stderr).toContain(
      `is a replica (role:slave), which refuses writes; give the master in --url for a command that changes something (those that only read work on a replica)`,
    );
    expect(pause.stderr).not.toMatch(/Sentinel/);
    const admin = new Redis(master.port, '127.0.0.1', { maxRetriesPerRequest: 1 });
    try {
      expect(await admin.exists('{tasks:emails}:paused')).toBe(0);
    } finally {
      admin.disconnect();
    }
  });
});
