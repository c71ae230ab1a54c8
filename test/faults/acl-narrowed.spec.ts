import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { INestApplicationContext } from '@nestjs/common';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { RateLimitedError, TaskHandler, TaskModule, TaskQueue } from '../../lib/index.js';
import { assertBuilt } from '../fixtures/child-processes.js';
import { CapturingLogger } from '../utils/capturing-logger.js';
import { sleep, waitUntil } from '../utils/wait.js';
import { rulesWithPassword } from './support/acl-rule.js';
import { faultRedis, type FaultRedis } from './support/fault-redis.js';

// An ACL rule narrowed while the app runs: bootstrap's access check saw the
// whole rule, and then XADD (every event a settle writes) is taken away while
// a handler runs. Redis keeps what a script wrote before the command it
// refuses, and the settle had already ended the task's lease: the task stayed
// 'active' in no set that the worker's retry or recovery reads, for good.
// Now the rows not recorded get their lease back, so the retried settle
// records them once the rule allows it again, or recovery takes them back.

const USER = 'tasks-app';
const PASSWORD = `pw-${randomBytes(8).toString('hex')}`;
const LEASE_MS = 2_000;

/** A handler that waits for the test before it ends, and counts its runs. */
@Injectable()
class GatedTasks {
  runs = 0;
  // Declared before the promises that set them: a field declared after would be reset to undefined.
  private open!: () => void;
  private markStarted!: () => void;
  readonly started = new Promise<void>((resolve) => (this.markStarted = resolve));
  private readonly gate = new Promise<void>((resolve) => (this.open = resolve));

  /** Lets the held run end. */
  release(): void {
    this.open();
  }

  @TaskHandler('narrowed.complete', { attempts: 2 })
  async complete(): Promise<string> {
    const run = ++this.runs;
    this.markStarted();
    if (run === 1) await this.gate;
    return `run ${run}`;
  }

  /** Asks to run later on its first run: the attempt is handed back, not used. */
  @TaskHandler('narrowed.limited', { attempts: 2 })
  async limited(): Promise<string> {
    const run = ++this.runs;
    this.markStarted();
    if (run === 1) {
      await this.gate;
      throw new RateLimitedError(0);
    }
    return `run ${run}`;
  }

  @TaskHandler('narrowed.retry', { attempts: 2, backoff: { type: 'fixed', delay: 0 } })
  async retry(): Promise<string> {
    const run = ++this.runs;
    this.markStarted();
    if (run === 1) {
      await this.gate;
      throw new Error('the first run fails');
    }
    return `run ${run}`;
  }
}

describe('an ACL rule narrowed while a task runs', () => {
  let redis: FaultRedis;
  let admin: Redis;
  let app: INestApplicationContext | null = null;
  let logger: CapturingLogger;
  const userUrl = () => `redis://${USER}:${PASSWORD}@127.0.0.1:${redis.port}`;

  beforeAll(async () => {
    assertBuilt();
    redis = await faultRedis();
    await redis.start();
    admin = await redis.admin();
  });

  beforeEach(async () => {
    await admin.flushall();
    await admin.call('ACL', 'SETUSER', USER, ...rulesWithPassword(PASSWORD));
    await admin.call('ACL', 'LOG', 'RESET');
    logger = new CapturingLogger();
    @Module({
      imports: [TaskModule.forRoot({ connection: userUrl(), worker: { concurrency: 1, leaseMs: LEASE_MS, shutdownGraceMs: 500 } })],
      providers: [GatedTasks],
    })
    class NarrowedModule {}
    const moduleRef = await Test.createTestingModule({ imports: [NarrowedModule] }).compile();
    moduleRef.useLogger(logger);
    app = await moduleRef.init();
  });

  afterEach(async () => {
    await admin.call('ACL', 'SETUSER', USER, '+xadd', '+hset', '+rpush', '+hincrby', '+zadd');
    await app?.close();
    app = null;
  });

  afterAll(async () => {
    await redis?.destroy();
  });

  /** The types of the events of task `id` in the default queue's stream, oldest first. */
  async function eventsOf(id: string): Promise<string[]> {
    const entries = (await admin.xrange('{tasks:default}:events', '-', '+')) as Array<[string, string[]]>;
    return entries
      .map(([, fields]) => Object.fromEntries(Array.from({ length: fields.length / 2 }, (_, i) => [fields[2 * i], fields[2 * i + 1]])) as Record<string, string>)
      .filter((event) => event.i === id)
      .map((event) => event.t!);
  }

  /** Takes `command` away, lets the held run end, and waits until Redis has refused it in the settle. */
  async function refuseTheSettle(tasks: GatedTasks, command = 'xadd'): Promise<void> {
    await tasks.started;
    await admin.call('ACL', 'SETUSER', USER, `-${command}`);
    tasks.release();
    await waitUntil(async () => {
      const entries = (await admin.call('ACL', 'LOG')) as unknown[][];
      return entries.some((entry) => entry.map(String).includes(command));
    }, `Redis to refuse the ${command.toUpperCase()} of the settle`);
  }

  // XADD is each row's event, its first write that can be refused alone; HSET (the completed state) and RPUSH (the
  // failed attempt's history) come after writes that went through: the row's token, its last write, is still there.
  it.each([
    ['completed', 'xadd', 'narrowed.complete'],
    ['failed and retried', 'xadd', 'narrowed.retry'],
    ['completed', 'hset', 'narrowed.complete'],
    ['failed and retried', 'rpush', 'narrowed.retry'],
    ['handed back for a rate limit', 'zadd', 'narrowed.limited'],
  ])('records an outcome (%s) refused part-way (%s taken away) once the rule allows it again, within the lease', async (_label, command, name) => {
    const queue = app!.get(TaskQueue);
    const tasks = app!.get(GatedTasks);
    const ref = await queue.enqueue(name, {});
    await refuseTheSettle(tasks, command);
    // While refused, the task is still listed as running (its lease given back), not lost from every set; with
    // ZADD refused the lease cannot be given back, and the task is in no set until a retry gets through.
    expect(await queue.counts()).toMatchObject({ active: command === 'zadd' ? 0 : 1, waiting: 0 });
    // The worker retries meanwhile: each try writes again what comes before the refused command, nothing after it.
    await sleep(600);
    await admin.call('ACL', 'SETUSER', USER, `+${command}`);
    // The worker's retry records the outcome: a completion ran once; a failure runs again and completes.
    await expect(queue.waitFor(ref, { timeout: 10_000 })).resolves.toBe(name === 'narrowed.complete' ? 'run 1' : 'run 2');
    // Never run again for the refusal, nor charged an attempt for it (a rate-limited run is not one).
    expect(tasks.runs).toBe(name === 'narrowed.complete' ? 1 : 2);
    expect((await queue.get(ref))?.attempts).toBe(name === 'narrowed.limited' ? 1 : tasks.runs);
    // The event comes first in its row: with XADD refused none was written until the retry got through, once;
    // a command refused after it had each try write it again.
    const events = await eventsOf(ref.id);
    const ends = events.filter((type) => type === 'completed' || type === 'retrying');
    if (command === 'xadd') expect(ends).toEqual(name === 'narrowed.complete' ? ['completed'] : ['retrying', 'completed']);
    else expect(new Set(ends)).toEqual(new Set(name === 'narrowed.complete' ? ['completed'] : ['retrying', 'completed']));
    if (name === 'narrowed.retry') expect((await queue.history(ref))?.map((attempt) => attempt.outcome)).toEqual(['failed', 'completed']);
    // The retry recorded the outcome itself: nothing given up, no lease found ended (recovery then takes the task).
    expect(logger.lines.filter((line) => /could not record a task outcome|did not take the outcome/.test(line))).toEqual([]);
  });

  it('takes an outcome whose upkeep after the rows was refused (the throughput count) without sending an error back', async () => {
    const queue = app!.get(TaskQueue);
    const tasks = app!.get(GatedTasks);
    const ref = await queue.enqueue('narrowed.complete', {});
    await refuseTheSettle(tasks, 'hincrby');
    await expect(queue.waitFor(ref, { timeout: 10_000 })).resolves.toBe('run 1');
    expect(tasks.runs).toBe(1);
    // The worker was told the outcome was taken: no retry, and no outcome reported lost.
    expect(logger.lines.filter((line) => /recording a task outcome failed|did not take the outcome/.test(line))).toEqual([]);
  });

  it('takes back a task whose outcome stayed refused for longer than a lease, instead of leaving it active for good', async () => {
    const queue = app!.get(TaskQueue);
    const tasks = app!.get(GatedTasks);
    const ref = await queue.enqueue('narrowed.complete', {});
    await refuseTheSettle(tasks);
    // The worker retries for a lease, then gives up, saying recovery will take the task back.
    await waitUntil(async () => logger.lines.some((line) => line.includes('could not record a task outcome')), 'the worker to give up the settle', 3 * LEASE_MS);
    expect(await queue.counts()).toMatchObject({ active: 1 });
    await admin.call('ACL', 'SETUSER', USER, '+xadd');
    // Recovery took it back, counting the lost attempt; the second run is recorded.
    await expect(queue.waitFor(ref, { timeout: 4 * LEASE_MS })).resolves.toBe('run 2');
    expect(tasks.runs).toBe(2);
    expect((await queue.get(ref))?.attempts).toBe(2);
  });
});
