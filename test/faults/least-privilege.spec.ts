import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { RedisUnavailableError, TaskContext, TaskHandler, TaskModule, TaskQueue } from '../../lib/index.js';
import { TASK_ENGINE } from '../../lib/engine/engine.tokens.js';
import type { TaskEngine } from '../../lib/engine/task-engine.js';
import type { ResolvedConnection } from '../../lib/config/connection-options.js';
import { createRedisClient } from '../../lib/redis/redis-client.factory.js';
import { assertBuilt, freePort, spawnNode } from '../fixtures/child-processes.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { waitUntil } from '../utils/wait.js';
import { faultRedis, type FaultRedis } from './support/fault-redis.js';
import { printSummary } from './support/tally.js';
import { RULES, rulesWithPassword } from './support/acl-rule.js';
import { CapturingLogger } from '../utils/capturing-logger.js';

// The library works as a Redis ACL user allowed only its own prefix's keys and
// only the commands it sends (its scripts' commands included, as Redis checks
// those too), and that user cannot read another prefix. The rule is RULES
// below, which docs/operations.md documents as one ACL SETUSER line.
// Credentials from the connection URL never show up in a log line or an error message.

const USER = 'tasks-app';
const PASSWORD = `pw-${randomBytes(8).toString('hex')}`;
const CORE_FLOW = join(__dirname, 'children', 'core-flow-app.cjs');

@Injectable()
class LoggingTasks {
  @TaskHandler('acl.logged', { queue: 'ops', attempts: 1 })
  async logged(_payload: unknown, task: TaskContext) {
    await task.log('a line');
    throw new Error('logged, then failed');
  }
}

@Injectable()
class FlakyTasks {
  @TaskHandler('acl.flaky', { queue: 'ops', attempts: 2, backoff: { type: 'fixed', delay: 60_000 } })
  flaky(): never {
    throw new Error('flaky');
  }
}

@Injectable()
class PingTasks {
  @TaskHandler('acl.ping')
  ping() {
    return 'pong';
  }
}

/** ACL LOG entries as objects. */
async function aclLog(admin: Redis): Promise<Array<Record<string, string>>> {
  const entries = (await admin.call('ACL', 'LOG')) as unknown[][];
  return entries.map((entry) => {
    const record: Record<string, string> = {};
    for (let i = 0; i < entry.length; i += 2) record[String(entry[i])] = String(entry[i + 1]);
    return record;
  });
}

describe('a Redis ACL user limited to one prefix', () => {
  let redis: FaultRedis;
  let admin: Redis;
  const apps: TaskApp[] = [];
  const clients: Redis[] = [];
  const userUrl = () => `redis://${USER}:${PASSWORD}@127.0.0.1:${redis.port}`;

  beforeAll(async () => {
    assertBuilt();
    redis = await faultRedis();
    await redis.start();
    admin = await redis.admin();
    await admin.call('ACL', 'SETUSER', USER, ...rulesWithPassword(PASSWORD));
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    for (const client of clients) client.disconnect();
    await redis?.destroy();
  });

  it('is the rule docs/operations.md documents, command for command', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'docs', 'operations.md'), 'utf8');
    const line = readme.split('\n').find((l) => l.startsWith(`ACL SETUSER ${USER} `));
    expect(line).toBeDefined();
    const documented = line!.split(' ').slice(3).filter((rule) => rule !== '');
    expect([...documented].sort()).toEqual([...RULES].sort());
  });

  it('runs the whole core flow as that user, and cannot read another prefix', async () => {
    await admin.call('ACL', 'LOG', 'RESET');
    const flow = spawnNode([CORE_FLOW], { REDIS_CONNECTION: userUrl(), TASKS_PREFIX: 'tasks', NO_COLOR: '1' });
    const exit = await flow.exited;
    const steps = flow.lines.filter((l) => l.startsWith('step '));
    expect(steps.filter((l) => !l.endsWith(' ok'))).toEqual([]);
    expect(steps.length).toBeGreaterThanOrEqual(8);
    expect({ exit, stderr: flow.stderr() }).toEqual({ exit: 0, stderr: '' });
    // Nothing was denied along the way. (ioredis >= 5.5 sends CLIENT SETINFO on
    // connect and ignores its failure; Redis >= 7.2 logs that denial.)
    expect((await aclLog(admin)).filter((e) => !e.object.startsWith('client'))).toEqual([]);

    // Another prefix's task, written as the admin.
    const other = await startTaskApp('other', [], { connection: redis.url, worker: false });
    apps.push(other);
    const ref = await other.queue.enqueue('acl.ping', { secret: 1 });
    const asUser = new Redis(userUrl(), { maxRetriesPerRequest: 1, disconnectTimeout: 50 });
    asUser.on('error', () => undefined);
    clients.push(asUser);
    await expect(asUser.hgetall(`{other:default}:t:${ref.id}`)).rejects.toThrow(/NOPERM/);
    await expect(asUser.get(`{other:default}:d:${ref.id}`)).rejects.toThrow(/NOPERM/);
    await expect(asUser.xrevrange('{other:default}:events', '+', '-', 'COUNT', 1)).rejects.toThrow(/NOPERM/);
    // The same reads of its own prefix are allowed (a task record the flow left, found by the admin).
    const [ownTaskKey] = await admin.keys('{tasks:default}:t:*');
    expect(ownTaskKey).toBeDefined();
    expect(await asUser.hgetall(ownTaskKey)).toHaveProperty('n');
    asUser.disconnect();
    // Through the library: an app of that user on the other prefix is refused at start-up, naming the key pattern it needs.
    await expect(startTaskApp('other', [], { connection: userUrl(), worker: false })).rejects.toThrow(
      /^TaskModule options: connection: the Redis user at 127\.0\.0\.1:\d+ may not run any of the library's commands on this app's keys, which all match '\{other:\*'/,
    );
    expect(await other.queue.counts()).toMatchObject({ waiting: 1 });

    const result = JSON.parse(flow.lines.find((l) => l.startsWith('result '))!.slice('result '.length));
    printSummary('least-privilege', { ...result, lostKeys: [], deadKeys: [], duplicateKeys: [], strayIds: [] });
    expect(result).toMatchObject({ duplicates: 0, dead: 0, lost: 0 });
    expect(result.completed).toBe(result.enqueued);
  });

  it('keeps task logs, probes and bulk operations within those commands', async () => {
    await admin.call('ACL', 'LOG', 'RESET');
    const t = await startTaskApp('tasks', [LoggingTasks, FlakyTasks], { connection: userUrl() });
    apps.push(t);
    const engine = t.app.get<TaskEngine>(TASK_ENGINE);
    const ref = await t.queue.enqueue('acl.logged', {}, { queue: 'ops' });
    await expect(t.queue.waitFor(ref, { timeout: 5_000 })).rejects.toThrow('logged, then failed');
    expect((await t.queue.logs(ref))!.map((l) => l.message)).toEqual(['a line']);
    expect(await t.queue.retryAll('ops', { state: 'dead' })).toBe(1);
    await expect(t.queue.waitFor(ref, { timeout: 5_000 })).rejects.toThrow('logged, then failed');
    expect(await t.queue.clean('ops', 'dead')).toEqual([ref.id]);
    // A retry waiting out its backoff, promoted: its history entry is rewritten.
    const flaky = await t.queue.enqueue('acl.flaky', {});
    await waitUntil(async () => (await t.queue.get(flaky))?.state === 'delayed', 'the first attempt to fail');
    expect(await t.queue.promote(flaky)).toBe(true);
    await expect(t.queue.waitFor(flaky, { timeout: 5_000 })).rejects.toThrow('flaky');
    expect(await t.queue.remove(flaky)).toBe(true);
    // The name filter past its first chunk of the wait list (a queue no worker serves).
    await t.queue.enqueueMany(Array.from({ length: 1_001 }, (_, i) => ({ name: i === 1_000 ? 'last' : 'other', payload: { i }, options: { queue: 'idle' } })));
    expect((await t.queue.list('waiting', { queue: 'idle', name: 'last' })).map((task) => task.payload)).toEqual([{ i: 1_000 }]);
    // ... and of a sorted set: the delayed tasks.
    await t.queue.enqueueMany(Array.from({ length: 1_001 }, (_, i) => ({ name: i === 1_000 ? 'late' : 'other', payload: { i }, options: { queue: 'idle', delay: 3_600_000 + i } })));
    expect((await t.queue.list('delayed', { queue: 'idle', name: 'late' })).map((task) => task.payload)).toEqual([{ i: 1_000 }]);
    await t.queue.obliterate('idle');
    await t.queue.enqueue('acl.logged', {}, { queue: 'ops', delay: 60_000 });
    expect(await t.queue.drain('ops', { delayed: true })).toBe(1);
    await engine.ping();
    expect(await engine.gauges('ops', 1_000)).toEqual({ waiting: 0, delayed: 0, active: 0, dead: 0 });
    expect(await engine.waitingAge('ops', 10)).toBeNull();
    await t.queue.schedule('acl-tick', 'acl.logged', {}, { every: 3_600_000, queue: 'ops' });
    await t.queue.obliterate('ops');
    expect(await admin.keys('{tasks:ops}:*')).toEqual([]);
    expect((await aclLog(admin)).filter((e) => !e.object.startsWith('client'))).toEqual([]);
  });

  it('fails a command in flight when its connection is killed, once the reconnects fail, instead of waiting for the password to return', async () => {
    // Its own user, so the other tests' connections are not killed.
    const user = `stash-${randomBytes(4).toString('hex')}`;
    await admin.call('ACL', 'SETUSER', user, 'on', `>${PASSWORD}`, '~*', '+@all');
    const connection: ResolvedConnection = { kind: 'single', target: `127.0.0.1:${redis.port}`, secrets: [PASSWORD], options: { port: redis.port, host: '127.0.0.1', username: user, password: PASSWORD } };
    const client = createRedisClient(connection, 'command', 1_500) as Redis;
    client.on('error', () => undefined);
    try {
      await client.connect();
      for (let round = 0; round < 2; round++) {
        // Unanswered when the connection dies: ioredis keeps it to send again after a reconnect, and
        // with the password changed no reconnect can succeed.
        const inFlight = client.blpop(`stash-probe-${round}`, 30).then(() => 'answered', (error: Error) => `failed: ${error.message}`);
        await waitUntil(async () => String(await admin.call('CLIENT', 'LIST')).includes('cmd=blpop'), 'the BLPOP to block');
        await admin.call('ACL', 'SETUSER', user, 'resetpass', `>wrong-${PASSWORD}`);
        await admin.call('CLIENT', 'KILL', 'USER', user);
        const started = Date.now();
        const outcome = await Promise.race([inFlight, new Promise<string>((resolve) => setTimeout(() => resolve('still waiting'), 10_000))]);
        expect(outcome).toBe('failed: the connection was lost and 4 reconnect attempts failed');
        expect(Date.now() - started).toBeLessThan(5_000);
        // The connection comes back once the password does, and works as before.
        await admin.call('ACL', 'SETUSER', user, 'resetpass', `>${PASSWORD}`);
        await waitUntil(() => client.status === 'ready', 'the connection to come back', 10_000);
        expect(await client.ping()).toBe('PONG');
      }
    } finally {
      client.disconnect();
      await admin.call('ACL', 'DELUSER', user);
    }
  });

  it('stops bootstrap at a database other than 0 without +select, instead of going on in database 0; with it, uses that database', async () => {
    const boot = async (connection: string) => {
      const moduleRef = await Test.createTestingModule({
        imports: [TaskModule.forRoot({ connection, prefix: 'tasks', connectTimeoutMs: 5_000, worker: { concurrency: 1, leaseMs: 1_000 } })],
        providers: [PingTasks],
      }).compile();
      moduleRef.useLogger(false);
      return moduleRef.init();
    };
    // Earlier tests leave keys in database 0 (some expire meanwhile): none may be added there.
    const inDb0 = new Set(await admin.keys('*'));
    const addedToDb0 = async () => (await admin.keys('*')).filter((key) => !inDb0.has(key));
    const started = Date.now();
    const error = await boot(`${userUrl()}/2`).then(
      async (app) => {
        await app.close();
        return null;
      },
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(
      /^TaskModule options: connection: Redis at 127\.0\.0\.1:\d+ refused to switch to database 2 \(NOPERM .*'select'.*\); the ACL user needs \+select/,
    );
    // Refused at the answer, not waited out until connectTimeoutMs.
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(error?.message).not.toContain(PASSWORD);
    expect(await addedToDb0()).toEqual([]);

    await admin.call('ACL', 'SETUSER', USER, '+select');
    try {
      const app = await boot(`${userUrl()}/2`);
      try {
        const queue = app.get(TaskQueue);
        await expect(queue.waitFor(await queue.enqueue('acl.ping', {}), { timeout: 5_000 })).resolves.toBe('pong');
        expect(await addedToDb0()).toEqual([]);
        const db2 = new Redis({ host: '127.0.0.1', port: redis.port, db: 2 });
        try {
          expect(await db2.dbsize()).toBeGreaterThan(0);
          await db2.flushdb();
        } finally {
          db2.disconnect();
        }
      } finally {
        await app.close();
      }
    } finally {
      await admin.call('ACL', 'SETUSER', USER, '-select');
    }
  });

  it('never shows the password or the user name in a log line or an error message', async () => {
    const logger = new CapturingLogger();
    const errors: unknown[] = [];
    const boot = async (connection: string) => {
      const moduleRef = await Test.createTestingModule({
        imports: [TaskModule.forRoot({ connection, prefix: 'tasks', connectTimeoutMs: 1_500, worker: { concurrency: 1, leaseMs: 1_000 } })],
        providers: [PingTasks],
      })
        .setLogger(logger)
        .compile();
      return moduleRef.init();
    };
    const bootFails = async (connection: string) => {
      const error = await boot(connection).then(
        async (app) => {
          await app.close();
          return null;
        },
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(RedisUnavailableError);
      errors.push(error);
    };

    // A wrong password, then a port nothing listens on.
    const wrong = `wrong-${randomBytes(8).toString('hex')}`;
    await bootFails(`redis://${USER}:${wrong}@127.0.0.1:${redis.port}`);
    // Refused at the first answer, not retried until connectTimeoutMs: no reconnect mends a login.
    expect((errors[0] as Error).message).toMatch(/^could not connect to Redis at 127\.0\.0\.1:\d+: it refused the login \(WRONGPASS /);
    await bootFails(`redis://${USER}:${PASSWORD}@127.0.0.1:${await freePort()}`);

    // While running: the password changes under the app and its connections are
    // killed, so every reconnect fails authentication until it is changed back.
    const app = await boot(userUrl());
    try {
      const queue = app.get(TaskQueue);
      await expect(queue.waitFor(await queue.enqueue('acl.ping', {}), { timeout: 5_000 })).resolves.toBe('pong');
      await admin.call('ACL', 'SETUSER', USER, 'resetpass', `>${wrong}`);
      await admin.call('CLIENT', 'KILL', 'USER', USER);
      await waitUntil(() => logger.lines.some((l) => /WRONGPASS/.test(l)), 'a log line about the failed reconnect');
      const duringOutage = await queue.enqueue('acl.ping', {}).catch((e: unknown) => e);
      expect(duringOutage).toBeInstanceOf(RedisUnavailableError);
      errors.push(duringOutage);
      // Reads fail too; their errors are printed as users print them.
      errors.push(await queue.get('1').catch((e: unknown) => e), await queue.counts().catch((e: unknown) => e));
      await admin.call('ACL', 'SETUSER', USER, 'resetpass', `>${PASSWORD}`);
      await waitUntil(() => logger.lines.some((l) => /restored/.test(l)), 'the connection to be restored', 15_000);
      await expect(queue.waitFor(await queue.enqueue('acl.ping', {}), { timeout: 10_000 })).resolves.toBe('pong');
    } finally {
      await app.close();
    }

    const texts = [...logger.lines, ...errors.map((e) => inspect(e, { depth: 5 })), ...errors.map((e) => String((e as Error)?.message))];
    expect(texts.length).toBeGreaterThan(5);
    const leaks = [PASSWORD, wrong, USER].flatMap((secret) => texts.filter((t) => t.includes(secret)).map((t) => `'${secret}' in: ${t}`));
    expect(leaks).toEqual([]);
  });
});
