import { Redis } from 'ioredis';
import { execFile } from 'node:child_process';
import { BUILD_TIMEOUT_MS, ensureBuilt } from '../fixtures/built-package.js';
import { PACKAGE_ROOT, ownRedis, type OwnRedis } from '../fixtures/child-processes.js';
import { CLI_BIN, jsonOf, runCli, type CliRun } from '../fixtures/cli-process.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { REDIS_URL, removePrefix, uniquePrefix } from '../utils/redis.js';
import { waitUntil } from '../utils/wait.js';

// A Redis that keeps its connections but stops answering once the tool is
// connected (SIGSTOP here; a frozen VM, a swapping host or another client's
// long script in real life): each Redis call is bounded by --timeout, so the
// command fails with exit 1 naming host:port, never the password, where it used
// to wait without limit. A long command is many short calls, and still completes.

const SECRET = 'St4lled-pw-never-shown';
const USER = 'stall-operator';
/** When a run that hangs is killed: well past the default --timeout, on a busy machine too. */
const KILL_AFTER_MS = 45_000;

/** runCli with room for the default --timeout of 10 s on a busy machine: the tool is killed only after KILL_AFTER_MS. */
function runPatiently(args: readonly string[]): Promise<CliRun> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(CLI_BIN, [...args], { cwd: PACKAGE_ROOT, timeout: KILL_AFTER_MS }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

describe('nestjs-redis-tasks: a Redis that stops answering mid-command', () => {
  let redis: OwnRedis;
  let admin: Redis;
  const prefix = 'stall';
  const url = () => `redis://${USER}:${SECRET}@127.0.0.1:${redis.port}`;

  beforeAll(async () => {
    await ensureBuilt();
    redis = await ownRedis(['--appendonly', 'no', '--user', USER, 'on', `>${SECRET}`, '~*', '&*', '+@all']);
    await redis.start();
    admin = new Redis(redis.port, '127.0.0.1', { maxRetriesPerRequest: 1 });
    // A queue of the prefix, so the commands get past their check of the name to their own call.
    expect(await runCli(['pause', 'jobs', '--new', '--prefix', prefix, '--url', url()])).toMatchObject({ code: 0 });
  }, BUILD_TIMEOUT_MS);
  afterAll(async () => {
    admin?.disconnect();
    // SIGCONT, then SIGTERM, to its own pid.
    await redis?.destroy();
  });

  /**
   * Runs the tool with writes held (CLIENT PAUSE WRITE holds every script call,
   * reads pass), freezes the server once the tool's call is held there, so the
   * stall comes after connecting and in the middle of a command, and lets the
   * server go on once the tool has exited.
   */
  async function frozenMidCommand(args: string[]): Promise<CliRun> {
    await admin.client('PAUSE', 600_000, 'WRITE');
    const run = runPatiently([...args, '--prefix', prefix, '--url', url()]);
    try {
      await waitUntil(async () => {
        const clients = String(await admin.client('LIST')).split('\n');
        return clients.some((line) => /\bflags=b\b/.test(line) && /\bcmd=evalsha\b/.test(line));
      }, 'the tool waiting in a script call', 15_000);
      redis.freeze();
      return await run;
    } finally {
      redis.thaw();
      await admin.client('UNPAUSE');
      await run;
    }
  }

  it('fails a change after --timeout (default 10 s) with exit 1, naming host:port, and says the change may still be made', async () => {
    const run = await frozenMidCommand(['drain', 'jobs']);
    console.info(`cli-stalled-redis: drain on a stopped Redis ended after ${run.ms} ms`);
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr.trimEnd().split('\n')).toEqual([
      `nestjs-redis-tasks: Redis at 127.0.0.1:${redis.port} did not answer within 10000 ms (is it stalled or overloaded?); a change already sent ` +
        'may still be made once it answers: check before running the command again; --timeout <ms> sets how long to wait for each Redis call',
    ]);
    expect(run.stderr).not.toContain(SECRET);
    expect(run.stderr).not.toContain(USER);
    // Ten seconds, and the start and close around them (a generous bound: a hang is killed at 45 s).
    expect(run.ms).toBeGreaterThanOrEqual(10_000);
    expect(run.ms).toBeLessThan(35_000);
  }, 90_000);

  it('fails a read after the --timeout given, without the note about changes', async () => {
    const run = await frozenMidCommand(['counts', 'jobs', '--timeout', '1500', '--json']);
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr.trim()).toBe(
      `nestjs-redis-tasks: Redis at 127.0.0.1:${redis.port} did not answer within 1500 ms (is it stalled or overloaded?); --timeout <ms> sets how long to wait for each Redis call`,
    );
    expect(run.ms).toBeLessThan(30_000);
    // Once it answers again, so does the tool.
    expect(jsonOf(await runCli(['counts', 'jobs', '--json', '--prefix', prefix, '--url', url()]))).toMatchObject({ queue: 'jobs', paused: true });
  }, 90_000);
});

describe('nestjs-redis-tasks: --timeout bounds each Redis call, not the command', () => {
  const prefix = uniquePrefix('cli-timeout');
  let t: TaskApp;
  const cli = (...args: string[]) => runCli([...args, '--prefix', prefix, '--timeout', '2000'], { REDIS_URL });

  beforeAll(async () => {
    await ensureBuilt();
    t = await startTaskApp(prefix, [], { worker: false });
  }, BUILD_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
    await removePrefix(prefix);
  });

  it('lists by name over many pages, retries every dead task and drains thousands of tasks, each in many short calls', async () => {
    const many = Array.from({ length: 2_500 }, (_, n) => ({ name: 'bulk.job', payload: { n }, options: { queue: 'bulk' } }));
    for (let i = 0; i < many.length; i += 500) await t.queue.enqueueMany(many.slice(i, i + 500));
    // Dependents of a cancelled task end dead without an attempt: 600 dead tasks, no worker needed.
    const root = await t.queue.enqueue('bulk.root', {}, { queue: 'flow', delay: 600_000 });
    const dependents = Array.from({ length: 600 }, (_, n) => ({ name: 'bulk.child', payload: { n }, options: { queue: 'flow', dependsOn: [root] } }));
    for (let i = 0; i < dependents.length; i += 300) await t.queue.enqueueMany(dependents.slice(i, i + 300));
    await t.queue.cancel(root);
    await waitUntil(async () => (await t.queue.counts('flow')).dead === 600, '600 dead dependents');

    const listed = await cli('list', 'bulk', 'waiting', '--name', 'no.such.task', '--json');
    const retried = await cli('retry', '--all-dead', '--queue', 'flow', '--json');
    const drained = await cli('drain', 'bulk', '--json');
    console.info(`cli-stalled-redis: list --name over 3 pages ${listed.ms} ms, retry --all-dead of 600 ${retried.ms} ms, drain of 2,500 ${drained.ms} ms`);
    for (const run of [listed, retried, drained]) expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(jsonOf(listed)).toEqual([]);
    expect(jsonOf(retried)).toEqual({ queue: 'flow', retried: 600 });
    expect(jsonOf(drained)).toEqual({ queue: 'bulk', removed: 2_500 });
  }, 60_000);
});
