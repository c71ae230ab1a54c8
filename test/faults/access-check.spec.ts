import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TaskHandler, TaskModule, TaskQueue, type TaskModuleOptions } from '../../lib/index.js';
import { CapturingLogger } from '../utils/capturing-logger.js';
import { RULES } from './support/acl-rule.js';
import { faultRedis, type FaultRedis } from './support/fault-redis.js';

// Redis checks a script's commands as the script reaches them and keeps what
// it wrote before a refused one: a rule without +xadd stored an enqueue it
// reported failed, and a worker then ran it. So bootstrap asks Redis first
// (redis.acl_check_cmd) whether the user may run every command the scripts
// call, on the prefix-wide keys and on the keys of the queues the options name.

const USER = 'tasks-partial';
const PASSWORD = `pw-${randomBytes(8).toString('hex')}`;
const PREFIX = 'lp';

@Injectable()
class PingTasks {
  @TaskHandler('acl.ping', { queue: 'billing' })
  ping() {
    return 'pong';
  }
}

@Injectable()
class MailTasks {
  @TaskHandler('acl.mail', { queue: 'emails' })
  mail() {}
}

/** The documented rule for this spec's prefix, with `change` applied to its list. */
function rule(change: (rules: string[]) => string[] = (rules) => rules): string[] {
  return change(RULES.map((r) => r.replace('~{tasks:*', `~{${PREFIX}:*`)));
}

describe('the bootstrap access check (Redis 7+)', () => {
  let redis: FaultRedis;
  let admin: Redis;
  const setUser = (rules: string[]) => admin.call('ACL', 'SETUSER', USER, 'reset', ...rules.map((r) => (r === '>PASSWORD' ? `>${PASSWORD}` : r)));

  /** Boots an app as the user; the app (to close) or the error, and what it logged. */
  const boot = async (worker: boolean, extra: Partial<TaskModuleOptions> = {}, providers: Array<new () => object> = [PingTasks]) => {
    const logger = new CapturingLogger();
    const moduleRef = await Test.createTestingModule({
      imports: [
        TaskModule.forRoot({
          connection: `redis://${USER}:${PASSWORD}@127.0.0.1:${redis.port}`,
          prefix: PREFIX,
          connectTimeoutMs: 5_000,
          worker: worker && { concurrency: 1, leaseMs: 1_000 },
          ...extra,
        }),
      ],
      providers,
    })
      .setLogger(logger)
      .compile();
    const outcome = await moduleRef.init().then(
      (app) => ({ app, error: null }),
      (error: unknown) => ({ app: null, error: error as Error }),
    );
    return { ...outcome, warnings: logger.lines.filter((line) => line.startsWith('warn ')) };
  };
  /** The bootstrap error, closing the app if it started. */
  const refusal = async (worker: boolean, extra: Partial<TaskModuleOptions> = {}, providers?: Array<new () => object>) => {
    const { app, error } = await boot(worker, extra, providers);
    await app?.close();
    return error;
  };

  /** Boots a worker app as the user with no warning about it, and runs a task on queue billing. */
  const bootsAndRuns = async (extra: Partial<TaskModuleOptions> = {}) => {
    const { app, error, warnings } = await boot(true, extra);
    try {
      expect(error).toBeNull();
      expect(warnings.filter((line) => /Redis user/.test(line))).toEqual([]);
      const queue = app!.get(TaskQueue);
      await expect(queue.waitFor(await queue.enqueue('acl.ping', {}, { queue: 'billing' }), { timeout: 5_000 })).resolves.toBe('pong');
    } finally {
      await app?.close();
    }
  };

  beforeAll(async () => {
    redis = await faultRedis();
    await redis.start();
    admin = await redis.admin();
  });

  afterEach(async () => {
    const left = await admin.keys(`{${PREFIX}:*`);
    if (left.length > 0) await admin.del(...left);
  });

  afterAll(async () => {
    await admin.call('ACL', 'DELUSER', USER).catch(() => undefined);
    await redis.destroy();
  });

  it('stops bootstrap when the rule lacks a command the scripts call, naming it, before anything is written', async () => {
    await setUser(rule((rules) => rules.filter((r) => r !== '+xadd' && r !== '+lset')));
    for (const worker of [false, true]) {
      const error = await refusal(worker);
      expect(error?.message).toMatch(
        /^TaskModule options: connection: the Redis user at 127\.0\.0\.1:\d+ may not run \+lset \+xadd on this app's keys \('\{lp:\*'\), which the library's Lua scripts call\. .*: add \+lset \+xadd to the user's ACL rule/,
      );
      expect(error?.message).not.toContain(PASSWORD);
    }
    expect(await admin.keys(`{${PREFIX}:*`)).toEqual([]);
  });

  it('checks a rule without +info too (+@all -@dangerous), where ioredis skips its ready check', async () => {
    await setUser(['on', '>PASSWORD', `~{${PREFIX}:*`, '+@all', '-@dangerous', '-xadd']);
    expect((await refusal(false))?.message).toMatch(/may not run \+xadd on this app's keys/);
    await setUser(['on', '>PASSWORD', `~{${PREFIX}:*`, '+@all', '-@dangerous']);
    await bootsAndRuns();
  });

  it('starts a read-only user without a worker with one warning, and refuses it with one', async () => {
    // The rule docs/cli.md gives a read-only user.
    const cli = readFileSync(join(__dirname, '..', '..', 'docs', 'cli.md'), 'utf8');
    const readOnly = cli.split('\n').find((l) => l.startsWith('ACL SETUSER tasks-readonly '))!.split(' ').slice(3);
    await setUser(readOnly.filter((r) => r !== 'reset').map((r) => r.replace('~{tasks:*', `~{${PREFIX}:*`)));
    const reader = await boot(false);
    try {
      expect(reader.warnings.filter((l) => l.includes('may not write'))).toEqual([
        expect.stringMatching(/^warn The Redis user at 127\.0\.0\.1:\d+ may not write this app's keys: it can read tasks .* every enqueue, cancel, retry and other change will be refused/),
      ]);
      expect(await reader.app!.get(TaskQueue).counts()).toMatchObject({ waiting: 0 });
    } finally {
      await reader.app?.close();
    }
    // With a worker, which can run nothing on it, it is refused.
    expect((await refusal(true))?.message).toMatch(/may not run .*\+xadd.*; this app runs a worker, which writes/);
    // docs/cli.md adds +srem to that rule, for reading a queue with a stale parked name: still read-only.
    await admin.call('ACL', 'SETUSER', USER, '+srem');
    const withSrem = await boot(false);
    await withSrem.app?.close();
    expect(withSrem.warnings.filter((l) => l.includes('may not write'))).toHaveLength(1);
  });

  it('tells a key pattern for reading only (%R~) from missing commands, with a worker', async () => {
    await setUser(rule((rules) => rules.map((r) => r.replace(`~{${PREFIX}:*`, `%R~{${PREFIX}:*`))));
    expect((await refusal(true))?.message).toMatch(
      /; this app runs a worker, which writes \(a key pattern for reading only, %R~\{lp:\*, refuses these too: write ~\{lp:\*\)$/,
    );
  });

  it("refuses a pattern that misses the prefix-wide keys, or a queue the options name; warns when it covers no queue the app did not name", async () => {
    // Only the prefix-wide keys: a queue the options name is refused by name, the others are a warning.
    await setUser(rule((rules) => rules.map((r) => r.replace(`~{${PREFIX}:*`, `~{${PREFIX}:}*`))));
    expect((await refusal(false, { queues: { billing: {} } }))?.message).toMatch(
      /^TaskModule options: connection: the Redis user at 127\.0\.0\.1:\d+ may not run any of the library's commands on the keys of queue 'billing', which this app uses \(its queues option names it, or its handlers serve it\): give it the key pattern ~\{lp:\* \(or ~\{lp:billing\}\* beside the others\)$/,
    );
    const unnamed = await boot(false);
    await unnamed.app?.close();
    expect(unnamed.error).toBeNull();
    expect(unnamed.warnings).toEqual([
      expect.stringMatching(/^warn The Redis user at 127\.0\.0\.1:\d+ may use this app's prefix-wide keys but not the keys of every queue .* name each queue this app uses in the queues option/),
    ]);
    // Only one queue's keys: the prefix-wide ones are refused whatever the options name.
    await setUser(rule((rules) => rules.map((r) => r.replace(`~{${PREFIX}:*`, `~{${PREFIX}:billing}*`))));
    expect((await refusal(false, { queues: { billing: {} } }))?.message).toMatch(/may not run any of the library's commands on this app's keys, which all match '\{lp:\*'/);
  });

  it('starts a rule that lists the queues the options name, and works on them', async () => {
    await setUser(rule((rules) => rules.map((r) => r.replace(`~{${PREFIX}:*`, `~{${PREFIX}:}* ~{${PREFIX}:billing}*`)).flatMap((r) => r.split(' '))));
    await bootsAndRuns({ queues: { billing: {} } });
  });

  it("refuses a worker whose handlers serve a queue the rule does not cover, naming that queue", async () => {
    await setUser(rule((rules) => rules.map((r) => r.replace(`~{${PREFIX}:*`, `~{${PREFIX}:}* ~{${PREFIX}:billing}*`)).flatMap((r) => r.split(' '))));
    // The options name billing only; the worker also serves emails, whose calls the rule would refuse.
    expect((await refusal(true, { queues: { billing: {} } }, [PingTasks, MailTasks]))?.message).toMatch(
      /on the keys of queue 'emails', which this app uses \(its queues option names it, or its handlers serve it\): give it the key pattern ~\{lp:\* \(or ~\{lp:emails\}\* beside the others\)$/,
    );
    // Without a worker, its handlers' queues are not this app's to serve: a producer is told of the stand-in only.
    const producer = await boot(false, {}, [PingTasks, MailTasks]);
    await producer.app?.close();
    expect(producer.error).toBeNull();
  });

  it('checks every queue the options name, past the first hundred (probed a hundred keys to a call)', async () => {
    const names = Array.from({ length: 150 }, (_, i) => `q${String(i).padStart(3, '0')}`);
    const covered = names.slice(0, 149).map((queue) => `~{${PREFIX}:${queue}}*`).join(' ');
    await setUser(rule((rules) => rules.map((r) => r.replace(`~{${PREFIX}:*`, `~{${PREFIX}:}* ${covered}`)).flatMap((r) => r.split(' '))));
    const queues = Object.fromEntries(names.map((queue) => [queue, {}]));
    expect((await refusal(false, { queues }))?.message).toMatch(/on the keys of queue 'q149', which this app uses/);
    const { app, error } = await boot(false, { queues: Object.fromEntries(names.slice(0, 149).map((queue) => [queue, {}])) });
    await app?.close();
    expect(error).toBeNull();
  });

  it('starts the whole documented rule with no warning', async () => {
    await setUser(rule());
    await bootsAndRuns();
  });
});
