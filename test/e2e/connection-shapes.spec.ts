import { Injectable, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Module } from '@nestjs/common';
import { Redis } from 'ioredis';
import * as Ioredis6 from 'ioredis6';
import { inspect } from 'node:util';
import { InvalidTaskOptionsError, RedisUnavailableError, TaskHandler, TaskModule, TaskQueue, type RedisConnection } from '../../lib/index.js';
import { freePort, ownRedis, ownSentinel } from '../fixtures/child-processes.js';
import { REDIS_URL, prefixKeys, removePrefix, uniquePrefix } from '../utils/redis.js';
import { waitUntil } from '../utils/wait.js';

/** Everything Nest's logger is asked to print. */
class RecordingLogger implements LoggerService {
  readonly text: string[] = [];
  private add = (...args: unknown[]) => this.text.push(args.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: 10, showHidden: true }))).join(' '));
  log = this.add;
  error = this.add;
  warn = this.add;
  debug = this.add;
  verbose = this.add;
  fatal = this.add;
}

/** Boots a default Nest app (as `NestFactory` does in main.ts) and returns what it threw and logged. */
async function boot(connection: unknown, prefix: string, more: { durability?: { replicas: number; timeoutMs: number } } = {}): Promise<{ error: unknown; logged: string }> {
  @Module({ imports: [TaskModule.forRoot({ connection: connection as RedisConnection, prefix, worker: false, ...more })] })
  class AppModule {}
  const logger = new RecordingLogger();
  let error: unknown = null;
  try {
    const app = await NestFactory.createApplicationContext(AppModule, { logger, abortOnError: false });
    await app.close();
  } catch (e) {
    error = e;
  }
  return { error, logged: logger.text.join('\n') };
}

@Injectable()
class EchoTasks {
  @TaskHandler('shape.echo')
  echo(payload: { n: number }) {
    return payload.n;
  }
}

describe('connection shapes, as a user meets them', () => {
  const prefix = uniquePrefix('shapes');
  afterAll(() => removePrefix(prefix));

  it.each([
    ['a / in the password', 'redis://:pa/ss-Secret1@127.0.0.1:6379', 'pa/ss-Secret1'],
    ['a # in the password', 'redis://:pa#ss-Secret2@127.0.0.1:6379', 'pa#ss-Secret2'],
    ['a % in the password', 'redis://:pa%ss-Secret3@127.0.0.1:6379', 'pa%ss-Secret3'],
    ['an @ and a / in the password', 'redis://:p@ss/Secret4@127.0.0.1:6379', 'Secret4'],
    ['a bad port', 'redis://:Secret5@127.0.0.1:99999', 'Secret5'],
  ])('stops bootstrap on a URL with %s, printing no password anywhere', async (_what, url, secret) => {
    const { error, logged } = await boot(url, prefix);
    expect(error).toBeInstanceOf(InvalidTaskOptionsError);
    const everything = `${logged}\n${inspect(error, { depth: 10, showHidden: true })}\n${JSON.stringify(error)}`;
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(url);
    expect((error as Error).message).toMatch(/TaskModule options: connection/);
  });

  it('refuses an options object it does not recognise instead of writing to 127.0.0.1:6379', async () => {
    const { error } = await boot({ clusterNodes: [{ host: '127.0.0.1', port: 7000 }] }, prefix);
    expect(error).toBeInstanceOf(InvalidTaskOptionsError);
    expect((error as Error).message).toContain("unknown key 'clusterNodes'");
    expect((error as Error).message).toMatch(/accepted: a URL/);
    expect(await prefixKeys(prefix)).toEqual([]);
  });

  it('stops bootstrap on a database the server does not have, instead of going on in database 0', async () => {
    const url = new URL(REDIS_URL);
    url.pathname = '/99';
    @Module({ imports: [TaskModule.forRoot({ connection: url.toString(), prefix, connectTimeoutMs: 5_000 })], providers: [EchoTasks] })
    class NoSuchDatabaseModule {}
    const error = await NestFactory.createApplicationContext(NoSuchDatabaseModule, { logger: false, abortOnError: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidTaskOptionsError);
    expect((error as Error).message).toMatch(/connection: Redis at .* has no database 99 \(ERR DB index is out of range\); use a database number below/);
    // Neither the worker nor anything else wrote to database 0 meanwhile.
    expect(await prefixKeys(prefix)).toEqual([]);
  });

  it('stops bootstrap on a replica, which would refuse every write, naming it and what to connect to', async () => {
    const master = await ownRedis();
    const replica = await ownRedis(['--replicaof', '127.0.0.1', String(master.port)]);
    try {
      await master.start();
      await replica.start();
      const { error } = await boot(replica.url, prefix);
      expect(error).toBeInstanceOf(InvalidTaskOptionsError);
      expect((error as Error).message).toBe(
        `TaskModule options: connection: 127.0.0.1:${replica.port} is a replica (role:slave), which refuses writes; connect to its master, ` +
          'or through Sentinel ({ sentinels: [{ host, port }], name }), which finds the master after a failover too',
      );
      // Its master is taken.
      expect((await boot(master.url, prefix)).error).toBeNull();
    } finally {
      await replica.destroy();
      await master.destroy();
    }
  });

  it('warns at bootstrap when durability asks for more replicas than the master has', async () => {
    const master = await ownRedis();
    const replica = await ownRedis(['--replicaof', '127.0.0.1', String(master.port)]);
    try {
      await master.start();
      const alone = await boot(master.url, prefix, { durability: { replicas: 1, timeoutMs: 200 } });
      expect(alone.error).toBeNull();
      expect(alone.logged).toContain(
        `Redis at 127.0.0.1:${master.port} has 0 connected replica(s), fewer than durability.replicas (1): every enqueue will fail as not replicated`,
      );
      await replica.start();
      const admin = new Redis(master.port, '127.0.0.1');
      try {
        await waitUntil(async () => /connected_slaves:1/.test(await admin.info('replication')), 'the replica to connect', 10_000);
      } finally {
        await admin.quit();
      }
      const paired = await boot(master.url, prefix, { durability: { replicas: 1, timeoutMs: 200 } });
      expect(paired.error).toBeNull();
      expect(paired.logged).not.toContain('durability.replicas');
    } finally {
      await replica.destroy();
      await master.destroy();
    }
  });

  it('stops bootstrap on a sentinel given as a single server, naming the Sentinel shape', async () => {
    const sentinel = await ownSentinel();
    try {
      const { error } = await boot(sentinel.url, prefix);
      expect(error).toBeInstanceOf(InvalidTaskOptionsError);
      expect((error as Error).message).toBe(
        `TaskModule options: connection: 127.0.0.1:${sentinel.port} is a Redis Sentinel (redis_mode:sentinel), not a server that holds data; ` +
          "use the Sentinel shape { sentinels: [{ host, port }, ...], name: '<master name>' }, which asks the sentinels for the master (see docs/cluster.md)",
      );
    } finally {
      await sentinel.stop();
    }
  });

  it('stops bootstrap at once on a Cluster or Sentinel shape that names the wrong kind of server, instead of waiting out the timeout', async () => {
    const sentinel = await ownSentinel();
    try {
      const plain = { host: new URL(REDIS_URL).hostname, port: Number(new URL(REDIS_URL).port || 6379) };
      const cases: Array<[unknown, RegExp]> = [
        [{ cluster: [plain] }, /a node is not part of a Redis Cluster \(.*cluster support disabled\); use the single-node shape/],
        [{ cluster: [{ host: '127.0.0.1', port: sentinel.port }] }, /a node is not part of a Redis Cluster \(.*unknown command 'cluster'/],
        [{ sentinels: [plain], name: 'tasks' }, /a server in `sentinels` is not a Redis Sentinel \(ERR unknown command 'sentinel'/],
        [{ sentinels: [{ host: '127.0.0.1', port: sentinel.port }], name: 'mistyped' }, /the sentinel monitors no master by that name \(ERR No such master with that name\)/],
      ];
      for (const [connection, said] of cases) {
        @Module({ imports: [TaskModule.forRoot({ connection: connection as RedisConnection, prefix, worker: false, connectTimeoutMs: 30_000 })] })
        class ShapeModule {}
        const started = Date.now();
        const error = await NestFactory.createApplicationContext(ShapeModule, { logger: false, abortOnError: false }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(InvalidTaskOptionsError);
        expect((error as Error).message).toMatch(said);
        // Well inside the 30 s connect timeout: the answer ended the wait, not the timer.
        expect(Date.now() - started).toBeLessThan(15_000);
      }
    } finally {
      await sentinel.stop();
    }
  });

  it("stops bootstrap at once when a sentinel refuses the login, naming sentinelPassword, never the password", async () => {
    const sentinel = await ownSentinel();
    const admin = new Redis(sentinel.port, '127.0.0.1');
    try {
      await admin.call('ACL', 'SETUSER', 'default', 'resetpass', '>Sentinel-Right7');
      @Module({
        imports: [
          TaskModule.forRoot({
            connection: { sentinels: [{ host: '127.0.0.1', port: sentinel.port }], name: 'absent', sentinelPassword: 'Sentinel-Wrong8' },
            prefix,
            worker: false,
            connectTimeoutMs: 30_000,
          }),
        ],
      })
      class SentinelLoginModule {}
      const started = Date.now();
      const error = await NestFactory.createApplicationContext(SentinelLoginModule, { logger: false, abortOnError: false }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RedisUnavailableError);
      expect((error as Error).message).toMatch(/a sentinel refused the login \(WRONGPASS [^)]*\); check `sentinelPassword`/);
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(inspect(error, { depth: 10, showHidden: true })).not.toMatch(/Sentinel-(Wrong8|Right7)/);
    } finally {
      admin.disconnect();
      await sentinel.stop();
    }
  });

  it('stores the enqueues a producer-only script made before app.close() without awaiting them', async () => {
    const scriptPrefix = uniquePrefix('fire-and-forget');
    @Module({ imports: [TaskModule.forRoot({ connection: REDIS_URL, prefix: scriptPrefix, worker: false })] })
    class ScriptModule {}
    const app = await NestFactory.createApplicationContext(ScriptModule, { logger: false });
    const queue = app.get(TaskQueue);
    try {
      // The first is sent at once; the rest wait for the end of the turn to share a batch, which close() comes before.
      const calls = Array.from({ length: 5 }, (_, n) => queue.enqueue('shape.echo', { n }).then(() => 'stored', (e: Error) => e.message));
      await app.close();
      expect(await Promise.all(calls)).toEqual(Array(5).fill('stored'));
      const inspector = new Redis(REDIS_URL);
      try {
        expect(await inspector.llen(`{${scriptPrefix}:default}:wl`)).toBe(5);
      } finally {
        inspector.disconnect();
      }
    } finally {
      await removePrefix(scriptPrefix);
    }
  });

  it('says the app is closed when TaskQueue is used after app.close(), not that Redis is unreachable', async () => {
    @Module({ imports: [TaskModule.forRoot({ connection: REDIS_URL, prefix, worker: false })] })
    class ClosingModule {}
    const app = await NestFactory.createApplicationContext(ClosingModule, { logger: false });
    const queue = app.get(TaskQueue);
    await app.close();
    const error = await queue.enqueue('shape.echo', { n: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedisUnavailableError);
    // Made after the close, the call never went out: nothing to send again, and nothing to look for.
    expect((error as Error).message).toBe(
      "enqueue of 'shape.echo' on queue 'default' failed: this app had closed its Redis connections (app.close() was called) before the call, so nothing " +
        "was sent; call it while the app runs, and await it (or what it waits on: a schema's validation) before closing",
    );
  });

  it('names the sentinel set and the master when no sentinel answers, not 127.0.0.1:6379', async () => {
    const port = await freePort();
    @Module({
      imports: [
        TaskModule.forRoot({ connection: { sentinels: [{ host: '127.0.0.1', port }], name: 'nowhere', password: 'Sentinel-Secret9' }, prefix, connectTimeoutMs: 1_000 }),
      ],
    })
    class SentinelModule {}
    const error = await NestFactory.createApplicationContext(SentinelModule, { logger: false, abortOnError: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedisUnavailableError);
    expect((error as Error).message).toContain(`Sentinel master 'nowhere' via sentinels 127.0.0.1:${port}`);
    expect((error as Error).message).not.toContain('6379');
    expect(inspect(error, { depth: 10, showHidden: true })).not.toContain('Sentinel-Secret9');
  });

  it('uses an app-owned Redis instance through duplicates and never closes it', async () => {
    const owned = new Redis(REDIS_URL);
    @Module({ imports: [TaskModule.forRoot({ connection: owned, prefix, worker: { concurrency: 2, leaseMs: 2_000, shutdownGraceMs: 500 } })], providers: [EchoTasks] })
    class OwnedModule {}
    const app = await NestFactory.createApplicationContext(OwnedModule, { logger: false });
    const queue = app.get(TaskQueue);
    const ref = await queue.enqueue('shape.echo', { n: 7 });
    await expect(queue.waitFor(ref, { timeout: 10_000 })).resolves.toBe(7);
    await app.close();
    expect(owned.status).toBe('ready');
    expect(await owned.ping()).toBe('PONG');
    await owned.quit();
  });

  it('uses an app-owned instance of ioredis 6 through clients of its own, and never closes it', async () => {
    const owned = new Ioredis6.Redis(REDIS_URL);
    @Module({ imports: [TaskModule.forRoot({ connection: owned, prefix, worker: { concurrency: 2, leaseMs: 2_000, shutdownGraceMs: 500 } })], providers: [EchoTasks] })
    class OwnedModule {}
    const app = await NestFactory.createApplicationContext(OwnedModule, { logger: false });
    const queue = app.get(TaskQueue);
    const ref = await queue.enqueue('shape.echo', { n: 6 });
    await expect(queue.waitFor(ref, { timeout: 10_000 })).resolves.toBe(6);
    await app.close();
    expect(owned.status).toBe('ready');
    expect(await owned.ping()).toBe('PONG');
    await owned.quit();
  });
});
