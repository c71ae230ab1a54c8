import { Controller, Get, Injectable, Module, Query, type INestApplication } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { Test } from '@nestjs/testing';
import { Redis } from 'ioredis';
import { TaskHandler, TaskModule, TaskQueue, type TaskModuleOptions } from '../../lib/index.js';
import { TaskHealthIndicator } from '../../lib/terminus/index.js';
import { WorkerHost } from '../../lib/worker/worker-host.js';
import { ownRedis, type OwnRedis } from '../fixtures/child-processes.js';
import { REDIS_URL, removePrefix, uniquePrefix } from '../utils/redis.js';
import { sleep, waitUntil } from '../utils/wait.js';

// TaskHealthIndicator in a Nest HTTP app with a terminus health controller,
// as an app would use it: GET /health answers 200 while Redis answers and the
// workers run, 503 with the reasons once a threshold is crossed or Redis is gone.

/** Lets the hanging handler go on. */
let release: (() => void) | null = null;

@Injectable()
class MailTasks {
  @TaskHandler('mail.send', { queue: 'mail', attempts: 1 })
  send(payload: { fail?: boolean }) {
    if (payload.fail) throw new Error('bounced');
    return 'sent';
  }

  /** Stands for a handler stuck on a promise that never settles (no timeout set), until released. */
  @TaskHandler('mail.hang', { queue: 'mail', attempts: 1 })
  hang() {
    return new Promise<string>((resolve) => (release = () => resolve('released')));
  }
}

@Controller('health')
class HealthController {
  constructor(private readonly health: HealthCheckService, private readonly tasks: TaskHealthIndicator) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.tasks.isHealthy('tasks', { timeoutMs: 500 })]);
  }

  @Get('stuck')
  @HealthCheck()
  stuck() {
    return this.health.check([() => this.tasks.isHealthy('tasks', { queues: { mail: { maxRunningMs: 300 } } })]);
  }

  @Get('memory')
  @HealthCheck()
  memory(@Query('percent') percent: string) {
    return this.health.check([() => this.tasks.isHealthy('tasks', { maxMemoryPercent: Number(percent) })]);
  }

  @Get('strict')
  @HealthCheck()
  strict() {
    return this.health.check([
      () => this.tasks.isHealthy('tasks', { queues: { mail: { maxWaiting: 2, maxDead: 0, maxOldestWaitingMs: 200 } } }),
    ]);
  }
}

@Module({ imports: [TerminusModule], controllers: [HealthController], providers: [TaskHealthIndicator] })
class HealthModule {}

interface HttpApp {
  app: INestApplication;
  get(path: string): Promise<{ status: number; body: { status: string; info?: Record<string, any>; error?: Record<string, any> } }>;
}

async function startHttpApp(options: TaskModuleOptions): Promise<HttpApp> {
  const moduleRef = await Test.createTestingModule({ imports: [TaskModule.forRoot(options), HealthModule], providers: [MailTasks] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();
  return {
    app,
    get: async (path) => {
      const response = await fetch(`${url.replace('[::1]', '127.0.0.1')}${path}`);
      return { status: response.status, body: (await response.json()) as never };
    },
  };
}

describe('TaskHealthIndicator (nestjs-redis-tasks/terminus)', () => {
  const prefix = uniquePrefix('health');
  let http: HttpApp;

  beforeAll(async () => {
    http = await startHttpApp({ connection: REDIS_URL, prefix, worker: { concurrency: 2, leaseMs: 5_000, shutdownGraceMs: 1_000 } });
  });
  afterAll(async () => {
    await http.app.close();
    await removePrefix(prefix);
  });

  it('is up with the Redis round trip and the running workers', async () => {
    const { status, body } = await http.get('/health');
    expect(status).toBe(200);
    expect(body.info!.tasks).toMatchObject({
      status: 'up',
      redis: { reachable: true, roundTripMs: expect.any(Number) },
      workers: { enabled: true, running: true, queues: [{ queue: 'mail', running: 0, buffered: 0, concurrency: 2, oldestRunningMs: null }] },
    });
  });

  it('turns down, naming each threshold crossed, and up again once the queue is back within them', async () => {
    const tasks = http.app.get(TaskQueue);
    await tasks.pause('mail');
    await tasks.enqueueMany([1, 2, 3].map((n) => ({ name: 'mail.send', payload: { n } })));
    await sleep(250);
    let { status, body } = await http.get('/health/strict');
    expect(status).toBe(503);
    expect(body.error!.tasks.queues.mail).toMatchObject({ waiting: 3, dead: 0, oldestWaitingMs: expect.any(Number), paused: true });
    // The pause is the reason the tasks wait: the problems say so.
    expect(body.error!.tasks.problems).toEqual([
      "queue 'mail' (paused): 3 waiting, over maxWaiting 2",
      expect.stringMatching(/^queue 'mail' \(paused\): a task has waited \d+ ms, over maxOldestWaitingMs 200$/),
    ]);

    await tasks.resume('mail');
    const dead = await tasks.enqueue('mail.send', { fail: true });
    await expect(tasks.waitFor(dead, { timeout: 5_000 })).rejects.toThrow('bounced');
    await waitUntil(async () => (await tasks.counts('mail')).waiting === 0, 'the queue to empty');
    ({ status, body } = await http.get('/health/strict'));
    expect(status).toBe(503);
    expect(body.error!.tasks.problems).toEqual(["queue 'mail': 1 dead, over maxDead 0"]);

    await tasks.clean('mail', 'dead');
    ({ status, body } = await http.get('/health/strict'));
    expect(status).toBe(200);
    expect(body.info!.tasks.queues.mail).toEqual({ waiting: 0, dead: 0, oldestWaitingMs: null, paused: false });
  });

  it('turns down while an attempt of this app runs longer than maxRunningMs, and up once it ends', async () => {
    const tasks = http.app.get(TaskQueue);
    const ref = await tasks.enqueue('mail.hang', {});
    await waitUntil(() => release !== null, 'the handler to start');
    expect((await http.get('/health/stuck')).status).toBe(200);
    await sleep(400);
    const { status, body } = await http.get('/health/stuck');
    expect(status).toBe(503);
    expect(body.error!.tasks.problems).toEqual([expect.stringMatching(/^queue 'mail': an attempt has run \d+ ms in this app, over maxRunningMs 300$/)]);
    expect(body.error!.tasks.workers.queues[0]).toMatchObject({ queue: 'mail', running: 1, oldestRunningMs: expect.any(Number) });
    release!();
    await expect(tasks.waitFor(ref, { timeout: 5_000 })).resolves.toBe('released');
    await waitUntil(async () => (await http.get('/health/stuck')).status === 200, 'the check to be up again');
  });

  it('refuses options it does not know, naming them', async () => {
    const indicator = http.app.get(TaskHealthIndicator);
    await expect(indicator.isHealthy('tasks', { queues: { mail: { maxWating: 1 } as never } })).rejects.toThrow(/unknown option 'queues.mail.maxWating'/);
    await expect(indicator.isHealthy('tasks', { timeoutMs: 0 })).rejects.toThrow(/timeoutMs must be an integer from 1 to 60000/);
  });

  it('is down once the workers stop (the app is shutting down)', async () => {
    await http.app.get(WorkerHost).beforeApplicationShutdown();
    const { status, body } = await http.get('/health');
    expect(status).toBe(503);
    expect(body.error!.tasks).toMatchObject({ workers: { enabled: true, running: false }, problems: ["this app's workers are not running"] });
  });
});

describe('TaskHealthIndicator when Redis goes away', () => {
  let redis: OwnRedis;
  let http: HttpApp;

  beforeAll(async () => {
    redis = await ownRedis();
    await redis.start();
    http = await startHttpApp({ connection: redis.url, prefix: 'health', worker: false });
  });
  afterAll(async () => {
    redis?.thaw();
    await http?.app.close();
    await redis?.destroy();
  });

  // Stopped but keeping its connections (SIGSTOP): first, as the test after it stops Redis for good.
  it('is down within the timeout, saying Redis is unreachable or not answering', async () => {
    expect((await http.get('/health')).status).toBe(200);
    redis.freeze();
    try {
      const { status, body } = await http.get('/health');
      expect(status).toBe(503);
      expect(body.error!.tasks.problems).toEqual([expect.stringMatching(/^Redis is unreachable or not answering \(PING got no answer within \d+ ms\)$/)]);
    } finally {
      redis.thaw();
    }
    expect((await http.get('/health')).status).toBe(200);
  });

  it('is up for a producer-only app, then down within the timeout once Redis stops answering', async () => {
    let { status, body } = await http.get('/health');
    expect(status).toBe(200);
    expect(body.info!.tasks.workers).toEqual({ enabled: false, running: false, queues: [] });

    await redis.stop();
    const started = Date.now();
    ({ status, body } = await http.get('/health'));
    expect(status).toBe(503);
    expect(Date.now() - started).toBeLessThan(5_000);
    // This process's workers are reported whether or not Redis answers.
    expect(body.error!.tasks).toMatchObject({ status: 'down', redis: { reachable: false }, workers: { enabled: false, running: false, queues: [] } });
    // No answer in time alone cannot tell a refused Redis from a stalled one: the connection's state says which.
    expect(body.error!.tasks.problems[0]).toMatch(
      /^Redis is unreachable \(PING got no answer within \d+ ms; the command connection to 127\.0\.0\.1:\d+ is (re)?connecting after: connect ECONNREFUSED 127\.0\.0\.1:\d+\)$/,
    );
  });
});

describe('TaskHealthIndicator on a Redis that fills up', () => {
  let redis: OwnRedis;
  let admin: Redis;
  let http: HttpApp;

  beforeAll(async () => {
    redis = await ownRedis(['--maxmemory', '64mb', '--maxmemory-policy', 'noeviction', '--appendonly', 'no']);
    await redis.start();
    admin = new Redis(redis.url);
    http = await startHttpApp({ connection: redis.url, prefix: 'health', worker: false });
  });
  afterAll(async () => {
    admin?.disconnect();
    await http?.app.close();
    await redis?.destroy();
  });

  it('reports the memory in use against maxmemory, judged only with maxMemoryPercent', async () => {
    let { status, body } = await http.get('/health');
    expect(status).toBe(200);
    expect(body.info!.tasks.redis).toEqual({ reachable: true, roundTripMs: expect.any(Number), usedMemoryBytes: expect.any(Number), maxMemoryBytes: 64 * 1024 * 1024 });
    const used = Number(/^used_memory:(\d+)/m.exec(await admin.info('memory'))![1]);
    // Half full: over a threshold of 40%, within one of 60%.
    await admin.config('SET', 'maxmemory', String(used * 2));
    try {
      ({ status, body } = await http.get('/health/memory?percent=40'));
      expect(status).toBe(503);
      expect(body.error!.tasks.problems).toEqual([expect.stringMatching(/^Redis at 127\.0\.0\.1:\d+ uses (4[5-9]|5[0-5])% of its maxmemory \(\d+ of \d+ bytes\), over maxMemoryPercent 40$/)]);
      expect((await http.get('/health/memory?percent=60')).status).toBe(200);
    } finally {
      await admin.config('SET', 'maxmemory', '64mb');
    }
  });

  it('is down while Redis is full with maxMemoryPercent 100, naming what a full Redis does; up without the threshold', async () => {
    const used = Number(/^used_memory:(\d+)/m.exec(await admin.info('memory'))![1]);
    await admin.config('SET', 'maxmemory', String(used - 64 * 1024));
    try {
      const { status, body } = await http.get('/health/memory?percent=100');
      expect(status).toBe(503);
      expect(body.error!.tasks.problems).toEqual([
        expect.stringMatching(/^Redis at 127\.0\.0\.1:\d+ is full: \d+ bytes in use of maxmemory \d+ \(maxmemory-policy noeviction\), so it refuses writes: enqueues fail and workers cannot record outcomes; free memory/),
      ]);
      // What the check says is what an enqueue meets.
      await expect(http.app.get(TaskQueue).enqueue('mail.send', {})).rejects.toMatchObject({ failure: 'out-of-memory' });
      // Not asked to judge memory, the check stays up: workers still drain what waits.
      expect((await http.get('/health')).status).toBe(200);
    } finally {
      await admin.config('SET', 'maxmemory', '64mb');
    }
    expect((await http.get('/health/memory?percent=100')).status).toBe(200);
  });

  it('counts a Redis held just under its maxmemory as full, as Redis holds a full server', async () => {
    // 8 MB of data, so that client buffers growing or shrinking between the read
    // and the probe (tens of KB) cannot move the share by the 0.7% that separates 99.7% from 99%.
    // Built inside Redis: a large query buffer would be freed after the read.
    await admin.eval("for i = 1, 8 do redis.call('SET', 'filler:' .. i, string.rep('x', 1048576)) end", 0);
    const used = Number(/^used_memory:(\d+)/m.exec(await admin.info('memory'))![1]);
    await admin.config('SET', 'maxmemory', String(Math.floor(used * 1.003)));
    try {
      const { status, body } = await http.get('/health/memory?percent=100');
      expect(status).toBe(503);
      expect(body.error!.tasks.problems).toEqual([expect.stringMatching(/^Redis at 127\.0\.0\.1:\d+ is full: /)]);
    } finally {
      await admin.config('SET', 'maxmemory', '64mb');
      await admin.del(...Array.from({ length: 8 }, (_, i) => `filler:${i + 1}`));
    }
  });
});

describe('TaskHealthIndicator with a stuck attempt when Redis goes away', () => {
  let redis: OwnRedis;
  let http: HttpApp;

  beforeAll(async () => {
    redis = await ownRedis();
    await redis.start();
    http = await startHttpApp({ connection: redis.url, prefix: 'health', worker: { concurrency: 2, leaseMs: 5_000, shutdownGraceMs: 500 } });
  });
  afterAll(async () => {
    release?.();
    await http?.app.close();
    await redis?.destroy();
  });

  it('names the attempt running past maxRunningMs beside the outage: this app knows it without Redis', async () => {
    release = null;
    await http.app.get(TaskQueue).enqueue('mail.hang', {});
    await waitUntil(() => release !== null, 'the handler to start');
    await sleep(400);
    await redis.stop();
    const { status, body } = await http.get('/health/stuck');
    expect(status).toBe(503);
    expect(body.error!.tasks.problems).toEqual([
      expect.stringMatching(/^Redis is unreachable/),
      expect.stringMatching(/^queue 'mail': an attempt has run \d+ ms in this app, over maxRunningMs 300$/),
    ]);
    // Back before the app closes, so its shutdown hands the task back at once.
    release!();
    await redis.start();
  });
});

// Under the test mode the indicator judges the test worker as it judges the worker host on Redis: a health
// check tested without Redis behaves as it will in production (review: it reported no worker, stayed up
// with an attempt stuck past maxRunningMs, and stayed up after app.close()).
describe('TaskHealthIndicator under TaskModule.forTesting', () => {
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [TaskModule.forTesting({ mode: 'inline', worker: { concurrency: 2, shutdownGraceMs: 100 } }), HealthModule],
      providers: [MailTasks],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });
  afterAll(async () => {
    release?.();
    await app?.close();
  });

  const get = async (path: string) => {
    const response = await fetch(`${url}${path}`);
    return { status: response.status, body: (await response.json()) as { info?: Record<string, any>; error?: Record<string, any> } };
  };

  it("lists the test worker's queues, is down while an attempt runs past maxRunningMs, and down once the app is closed", async () => {
    const up = await get('/health');
    expect(up.status).toBe(200);
    expect(up.body.info?.tasks.workers).toEqual({ enabled: true, running: true, queues: [{ queue: 'mail', running: 0, buffered: 0, concurrency: 2, oldestRunningMs: null }] });

    const queue = app.get(TaskQueue);
    await queue.enqueue('mail.hang', {});
    await waitUntil(() => release !== null, 'the hanging handler to start');
    await sleep(400);
    const stuck = await get('/health/stuck');
    expect(stuck.status).toBe(503);
    expect(stuck.body.error?.tasks.problems).toEqual([expect.stringMatching(/^queue 'mail': an attempt has run \d+ ms in this app, over maxRunningMs 300$/)]);
    release!();
    release = null;
    await waitUntil(async () => (await get('/health/stuck')).status === 200, 'the attempt to end');

    const indicator = app.get(TaskHealthIndicator);
    await app.close();
    const closed = (await indicator.isHealthy('tasks')).tasks as Record<string, any>;
    expect(closed).toMatchObject({ status: 'down', workers: { enabled: true, running: false } });
    expect(closed.problems).toEqual([expect.stringMatching(/^Redis is unreachable \(/), "this app's workers are not running"]);
  });
});
