import { BUILD_TIMEOUT_MS, ensureBuilt } from '../fixtures/built-package.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT, freePort, ownSentinel } from '../fixtures/child-processes.js';
import { jsonOf, runCli, type CliRun } from '../fixtures/cli-process.js';
import { prefixKeys, REDIS_URL, removePrefix, uniquePrefix } from '../utils/redis.js';

// The built binary's help, usage errors (exit 2), and connection failures
// (exit 1, one line naming host:port and never the password), run as child processes.

/** Each command's flags, as the issue names them: its --help must name every one. */
const FLAGS: Record<string, string[]> = {
  queues: [],
  counts: [],
  list: ['--name', '--limit', '--offset'],
  show: ['--queue'],
  throughput: ['--minutes'],
  retry: ['--queue', '--all-dead', '--name'],
  promote: ['--queue'],
  cancel: ['--queue'],
  remove: ['--queue'],
  clean: ['--older-than', '--limit'],
  pause: ['--new'],
  resume: [],
  drain: ['--delayed'],
  workers: [],
  schedules: [],
  unschedule: [],
};
const GLOBAL_FLAGS = ['--url', '--cluster', '--prefix', '--timeout', '--json', '--help'];

describe('nestjs-redis-tasks: help, usage errors and connection failures', () => {
  const prefix = uniquePrefix('cli-usage');

  beforeAll(async () => {
    await ensureBuilt();
  }, BUILD_TIMEOUT_MS);
  afterAll(async () => {
    await removePrefix(prefix);
  });

  it('prints the help of every command with --help or -h, naming its flags, and exits 0 without connecting', async () => {
    // An unreachable URL: help must not need Redis.
    const url = `redis://127.0.0.1:${await freePort()}`;
    const names = Object.keys(FLAGS);
    const runs = await Promise.all(names.map((name, i) => runCli([name, i % 2 === 0 ? '--help' : '-h', '--url', url])));
    runs.forEach((run, i) => {
      expect({ command: names[i], code: run.code, stderr: run.stderr }).toEqual({ command: names[i], code: 0, stderr: '' });
      expect(run.stdout).toMatch(new RegExp(`^Usage: nestjs-redis-tasks ${names[i]}\\b`));
      for (const flag of [...FLAGS[names[i]], ...GLOBAL_FLAGS]) expect(`${names[i]}: ${run.stdout}`).toContain(flag);
    });
    const [general, bare] = await Promise.all([runCli(['--help']), runCli([])]);
    expect(general).toMatchObject({ code: 0, stderr: '' });
    for (const name of names) expect(general.stdout).toMatch(new RegExp(`^ {2}${name} +\\S`, 'm'));
    expect(bare).toMatchObject({ code: 2, stdout: '' });
    expect(bare.stderr).toMatch(/^nestjs-redis-tasks: no command given\nUsage: nestjs-redis-tasks <command>/);
  });

  it('prints the version of the package it belongs to with --version, without connecting', async () => {
    const { version } = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(await runCli(['--version'], { REDIS_URL: 'redis://127.0.0.1:1' })).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' });
    // With a command it is no option of that command.
    expect(await runCli(['queues', '--version'])).toMatchObject({ code: 2, stderr: expect.stringContaining("queues: unknown option '--version'") });
  });

  it('refuses a wrong command line with exit 2, naming what was wrong and the usage', async () => {
    const cases: Array<[string[], string, string]> = [
      [['queues', '--frob'], "queues: unknown option '--frob'", 'Usage: nestjs-redis-tasks queues'],
      [['list', 'q', 'dead', '--limit'], "list: option '--limit <value>' argument missing", 'Usage: nestjs-redis-tasks list <queue> <state>'],
      [['frobnicate'], "unknown command 'frobnicate'", 'Usage: nestjs-redis-tasks <command>'],
      [['-v'], "unknown option '-v' and no command given (the version is --version)", 'Usage: nestjs-redis-tasks <command>'],
      [['counts'], 'counts: expects 1 argument, got none', 'Usage: nestjs-redis-tasks counts <queue>'],
      [['list', 'q'], 'list: expects 2 arguments, got 1', 'Usage: nestjs-redis-tasks list'],
      [['pause', 'a', 'b'], "pause: unexpected argument 'b'", 'Usage: nestjs-redis-tasks pause <queue>'],
      [['list', 'q', 'finished'], "list: state must be one of blocked, waiting, delayed, active, completed, dead, got 'finished'", 'Usage: nestjs-redis-tasks list'],
      [['list', 'q', 'dead', '--limit', '0'], "list: --limit must be a whole number from 1 to 1000, got '0'", 'Usage: nestjs-redis-tasks list'],
      [['retry'], 'retry: give a task id, or --all-dead', 'Usage: nestjs-redis-tasks retry <id>'],
      [['retry', 'x', '--all-dead'], 'retry: give either a task id or --all-dead, not both', 'Usage: nestjs-redis-tasks retry'],
      // The library's checks of names, named as the command line has them (not `get: queue` or `retryAll: name`).
      [['show', 'x', '--queue', 'a{b'], 'show: --queue must be a non-empty string', 'Usage: nestjs-redis-tasks show <id>'],
      [['show', 'a{b'], 'show: <id> must be a non-empty string', 'Usage: nestjs-redis-tasks show <id>'],
      [['retry', '--all-dead', '--name', 'a}b'], 'retry: --name must be a non-empty string', 'Usage: nestjs-redis-tasks retry'],
      [['cancel', 'x', '--queue', 'a:b'], "cancel: --queue cannot contain ':'", 'Usage: nestjs-redis-tasks cancel <id>'],
      [['counts', 'a{b'], 'counts: <queue> must be a non-empty string', 'Usage: nestjs-redis-tasks counts <queue>'],
      [['drain', '..'], "drain: <queue> cannot be '.' or '..'", 'Usage: nestjs-redis-tasks drain <queue>'],
      // Checked before connecting; whole ms from 100, so `--timeout 10` meant as seconds is refused.
      [['queues', '--timeout', '10'], "queues: --timeout must be a whole number from 100 to 600000, got '10'", 'Usage: nestjs-redis-tasks queues'],
      [['queues', '--timeout', '5s'], "queues: --timeout must be a whole number from 100 to 600000, got '5s'", 'Usage: nestjs-redis-tasks queues'],
      // --name is filtered by the tool, checked as the library checks a task name.
      [['list', 'q', 'dead', '--name', 'a{b'], 'list: --name must be a non-empty string', 'Usage: nestjs-redis-tasks list'],
      [['pause', 'q', '--neww'], "pause: unknown option '--neww'", 'Usage: nestjs-redis-tasks pause <queue>'],
    ];
    // A few at a time: some connect first, and many processes loading Nest at once starve two cores.
    const runs: CliRun[] = [];
    for (let i = 0; i < cases.length; i += 4) {
      runs.push(...(await Promise.all(cases.slice(i, i + 4).map(([args]) => runCli([`--prefix=${prefix}`, ...args], { REDIS_URL })))));
    }
    runs.forEach((run, i) => {
      const [args, message, usage] = cases[i];
      expect({ args, code: run.code, stdout: run.stdout }).toEqual({ args, code: 2, stdout: '' });
      const [first, second] = run.stderr.trimEnd().split('\n');
      expect(first).toContain(`nestjs-redis-tasks: ${message}`);
      expect(second).toContain(usage);
    });
  }, 90_000);

  it('fails fast with exit 1 on an unreachable Redis, naming host:port and never the password', async () => {
    const port = await freePort();
    const secret = 'S3cr3t-pw-never-shown';
    const [byFlag, byEnv] = await Promise.all([
      runCli(['queues', '--url', `redis://admin:${secret}@127.0.0.1:${port}/0`]),
      runCli(['counts', 'q', '--json'], { REDIS_URL: `redis://:${secret}@127.0.0.1:${port}` }),
    ]);
    console.info(`cli-usage: an unreachable Redis was reported after ${byFlag.ms} ms and ${byEnv.ms} ms`);
    for (const run of [byFlag, byEnv]) {
      expect(run).toMatchObject({ code: 1, stdout: '' });
      expect(run.stderr.trimEnd().split('\n')).toEqual([expect.stringContaining(`could not connect to Redis at 127.0.0.1:${port}`)]);
      expect(run.stderr).not.toContain(secret);
      expect(run.stderr).not.toContain('admin');
      // The connect timeout is 3 s; a generous bound so a hang (retrying forever) fails the test.
      expect(run.ms).toBeLessThan(15_000);
    }
    // A URL the library cannot parse is wrong usage, and is not echoed either.
    const malformed = await runCli(['queues', '--url', `redis://admin:${secret}/x@127.0.0.1:${port}`]);
    expect(malformed).toMatchObject({ code: 2, stdout: '' });
    expect(malformed.stderr).toContain('nestjs-redis-tasks: --url: the Redis URL cannot be parsed');
    expect(malformed.stderr).not.toContain(secret);
  });

  it('reads REDIS_URL, --url wins over it, and reading writes nothing to Redis', async () => {
    const unreachable = `redis://127.0.0.1:${await freePort()}`;
    const [fromEnv, overridden] = await Promise.all([
      runCli(['queues', '--json', '--prefix', prefix], { REDIS_URL }),
      runCli(['queues', '--json', '--prefix', prefix, '--url', REDIS_URL], { REDIS_URL: unreachable }),
    ]);
    for (const run of [fromEnv, overridden]) {
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(jsonOf(run)).toEqual([]);
    }
    // Reading writes nothing: no worker heartbeat, no schedule, no registry entry.
    const [counts, workers, schedules] = await Promise.all([
      runCli(['counts', 'q', '--prefix', prefix], { REDIS_URL }),
      runCli(['workers', '--json', '--prefix', prefix], { REDIS_URL }),
      runCli(['schedules', '--json', '--prefix', prefix], { REDIS_URL }),
    ]);
    // An empty prefix has no queue 'q': refused (exit 1), by reads alone.
    expect([counts.code, jsonOf(workers), jsonOf(schedules)]).toEqual([1, [], []]);
    expect(counts.stderr).toContain(`no queue 'q': prefix '${prefix}' has no queues on Redis at`);
    expect(await prefixKeys(prefix)).toEqual([]);
  });

  it("prefixes ioredis's own warnings on stderr with the tool's name, never showing the password", async () => {
    // The shared Redis asks for no password: ioredis warns of the one supplied, with console.warn.
    const secret = 'not-needed-4b1e';
    const url = new URL(REDIS_URL);
    url.password = secret;
    const run = await runCli(['queues', '--json', '--prefix', prefix, '--url', url.toString()], {});
    expect(run.code).toBe(0);
    expect(jsonOf(run)).toEqual([]);
    expect(run.stderr.trimEnd().split('\n')).toEqual([
      "nestjs-redis-tasks: warning from ioredis: This Redis server's `default` user does not require a password, but a password was supplied",
    ]);
    expect(run.stderr).not.toContain(secret);
  });

  it("refuses a sentinel's URL with exit 2, saying to give the master's", async () => {
    const sentinel = await ownSentinel();
    try {
      const result = await runCli(['queues', '--prefix', prefix, '--url', sentinel.url]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("--url names a Redis Sentinel: give the master's URL");
    } finally {
      await sentinel.stop();
    }
  });
});

