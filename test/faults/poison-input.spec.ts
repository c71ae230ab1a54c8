import { Injectable, type INestApplicationContext, type LoggerService, type Provider } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Redis } from 'ioredis';
import { inspect } from 'node:util';
import { TaskContext, TaskHandler, TaskModule, TaskQueue, type TaskModuleOptions, type TaskRef } from '../../lib/index.js';
import { QueueKeys } from '../../lib/redis/queue-keys.js';
import { uniquePrefix } from '../utils/redis.js';
import { clearStoredField, deleteStoredPayload, overwriteStoredPayload, storeAsVersion010 } from '../utils/stored-payload.js';
import { waitUntil } from '../utils/wait.js';
import { faultRedis, type FaultRedis } from './support/fault-redis.js';
import { printSummary } from './support/tally.js';

// Task records edited by hand in Redis, queued between good tasks: a payload
// that is not JSON, a record without its name, one without its max attempts,
// one whose payload is gone, and an id left in the wait set whose record
// was deleted (its payload, too long for the record, left in its own key). The worker logs one line per bad task naming it, moves every bad
// task that still has a record to dead with the reason, runs none of them, and
// keeps serving: every good task around them (and after them) completes once.

const GOOD_PER_GAP = 10;
/** Bad task ids (chosen by the test, so log lines can be matched to them) and what is done to each. */
const BAD = {
  'poison-json': 'payload replaced by text that is not JSON',
  'poison-no-name': "record's name field (n) deleted",
  'poison-no-max': "record's max attempts field (m) deleted",
  'poison-no-payload': 'payload deleted (from its record)',
  'poison-ghost': 'record hash deleted (its payload key left), id left in the wait set',
} as const;
type BadId = keyof typeof BAD;
const BAD_IDS = Object.keys(BAD) as BadId[];
/** The ones whose record still exists: they must end dead. */
const DEAD_IDS = BAD_IDS.filter((id) => id !== 'poison-ghost');

/** Every line any Nest logger writes, with its level. */
class CapturingLogger implements LoggerService {
  readonly lines: Array<{ level: string; text: string }> = [];
  private capture(level: string, args: unknown[]) {
    this.lines.push({ level, text: args.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: 5 }))).join(' ') });
  }
  log = (...args: unknown[]) => this.capture('log', args);
  error = (...args: unknown[]) => this.capture('error', args);
  warn = (...args: unknown[]) => this.capture('warn', args);
  debug = (...args: unknown[]) => this.capture('debug', args);
  verbose = (...args: unknown[]) => this.capture('verbose', args);
  fatal = (...args: unknown[]) => this.capture('fatal', args);
}

@Injectable()
class PoisonTasks {
  /** Handler runs per task id. */
  readonly runs = new Map<string, number>();

  @TaskHandler('poison.work')
  work(payload: { n: number }, task: TaskContext) {
    this.runs.set(task.id, (this.runs.get(task.id) ?? 0) + 1);
    return { n: payload.n };
  }
}

describe('hand-edited and missing task records', () => {
  const prefix = uniquePrefix('fault-poison');
  const keys = new QueueKeys(prefix, 'default');
  const logger = new CapturingLogger();
  const apps: INestApplicationContext[] = [];
  let redis: FaultRedis;
  let admin: Redis;

  /** An app on the scenario's Redis whose Nest log goes to `logger`. */
  async function boot(options: Partial<TaskModuleOptions>, providers: Provider[] = []): Promise<INestApplicationContext> {
    const moduleRef = await Test.createTestingModule({
      imports: [TaskModule.forRoot({ connection: redis.url, prefix, defaults: { attempts: 3 }, ...options })],
      providers,
    })
      .setLogger(logger)
      .compile();
    const app = await moduleRef.init();
    apps.push(app);
    return app;
  }

  beforeAll(async () => {
    redis = await faultRedis();
    await redis.start();
    admin = await redis.admin();
  });

  afterAll(async () => {
    for (const app of apps.reverse()) await app.close();
    await redis?.destroy();
  });

  it('logs one line per bad task, moves those with a record to dead with the reason, and keeps serving', async () => {
    // Everything is queued before any worker exists, so the damage is done
    // before a worker can take a task: good tasks before, between and after each bad one.
    const producer = (await boot({ worker: false })).get(TaskQueue);
    const items = [];
    let n = 0;
    for (const id of [...BAD_IDS, null]) {
      for (let i = 0; i < GOOD_PER_GAP; i++) items.push({ name: 'poison.work', payload: { n: n++ } });
      if (id) items.push({ name: 'poison.work', payload: id === 'poison-ghost' ? { n: -1, pad: 'x'.repeat(300) } : { n: -1 }, options: { id } });
    }
    const refs = await producer.enqueueMany(items);
    const goodRefs = refs.filter((ref) => !(ref.id in BAD));
    expect(refs.filter((ref) => ref.id in BAD).map((ref) => ref.id)).toEqual(BAD_IDS);

    await overwriteStoredPayload(admin, keys, 'poison-json', '{"n": 1, "unfinished": ');
    await clearStoredField(admin, keys, 'poison-no-name', 'name');
    await clearStoredField(admin, keys, 'poison-no-max', 'maxAttempts');
    await deleteStoredPayload(admin, keys, 'poison-no-payload');
    // The ghost as 0.1.0 stored every task (a record key, its payload in a key of its own, in the wait set),
    // then its record deleted: its payload key is left behind.
    await storeAsVersion010(admin, keys, 'poison-ghost');
    await admin.del(keys.task('poison-ghost'));
    expect(await admin.exists(keys.payload('poison-ghost'))).toBe(1);
    expect(await admin.zscore(keys.wait, 'poison-ghost')).not.toBeNull();

    const app = await boot({ worker: { concurrency: 5, leaseMs: 5_000, shutdownGraceMs: 1_000 } }, [PoisonTasks]);
    const queue = app.get(TaskQueue);
    const tasks = app.get(PoisonTasks);
    await Promise.all(goodRefs.map((ref) => queue.waitFor(ref, { timeout: 20_000 })));
    await waitUntil(
      async () => (await admin.zcard(keys.wait)) === 0 && (await admin.llen(keys.waitList)) === 0 && (await admin.zcard(keys.active)) === 0,
      'the wait set, wait list and active set to empty',
    );

    // Still serving after the bad tasks: a second batch of good tasks completes.
    const later = await queue.enqueueMany(Array.from({ length: 2 * GOOD_PER_GAP }, () => ({ name: 'poison.work', payload: { n: n++ } })));
    await Promise.all(later.map((ref) => queue.waitFor(ref, { timeout: 20_000 })));
    goodRefs.push(...later);

    // The outcome of every task that has a record, read from Redis itself.
    const stateOf = async (ref: TaskRef) => admin.hget(keys.task(ref.id), 's');
    const goodStates = await Promise.all(goodRefs.map(stateOf));
    const badStates = await Promise.all(DEAD_IDS.map((id) => stateOf({ id, queue: 'default' })));
    const completed = goodStates.filter((s) => s === 'c').length;
    const dead = badStates.filter((s) => s === 'x').length;
    const duplicates = [...tasks.runs.values()].filter((count) => count > 1).length;
    const lost = goodRefs.length - completed + DEAD_IDS.length - dead;
    printSummary(
      'poison-input',
      {
        enqueued: goodRefs.length + DEAD_IDS.length,
        completed,
        duplicates,
        dead,
        lost,
        lostKeys: [],
        deadKeys: [],
        duplicateKeys: [],
        strayIds: [],
      },
      // The ghost's record was deleted by the test: there is nothing left of it to lose.
      { dropped: 1 },
    );
    expect({ completed, duplicates, dead, lost }).toEqual({ completed: goodRefs.length, duplicates: 0, dead: DEAD_IDS.length, lost: 0 });

    // No bad task ran; every good one ran once.
    for (const id of BAD_IDS) expect(tasks.runs.get(id)).toBeUndefined();
    expect(goodRefs.map((ref) => tasks.runs.get(ref.id))).toEqual(goodRefs.map(() => 1));

    // One clear log line per bad task, naming it.
    const problems = logger.lines.filter((l) => l.level === 'warn' || l.level === 'error');
    const linesAbout = Object.fromEntries(BAD_IDS.map((id) => [id, problems.filter((l) => l.text.includes(id)).map((l) => l.text)]));
    for (const id of BAD_IDS) expect({ id, lines: linesAbout[id].length }).toEqual({ id, lines: 1 });

    // Dead with the reason, readable through get().
    const info = Object.fromEntries(await Promise.all(DEAD_IDS.map(async (id) => [id, await queue.get(id)] as const)));
    expect(info['poison-json']).toMatchObject({ state: 'dead', error: { message: expect.stringMatching(/payload is not valid JSON/) } });
    for (const id of ['poison-no-name', 'poison-no-max', 'poison-no-payload'] as const) {
      expect({ id, state: info[id]?.state, message: info[id]?.error?.message }).toEqual({
        id,
        state: 'dead',
        message: expect.stringMatching(/task record is broken/),
      });
    }

    // The ghost is gone from every structure and leaves no key behind.
    expect(await queue.get('poison-ghost')).toBeNull();
    for (const set of [keys.wait, keys.delayed, keys.active, keys.dead, keys.completed]) {
      expect({ set, score: await admin.zscore(set, 'poison-ghost') }).toEqual({ set, score: null });
    }
    expect(await admin.lpos(keys.waitList, 'poison-ghost')).toBeNull();
    expect(await admin.exists(keys.task('poison-ghost'), keys.payload('poison-ghost'))).toBe(0);

    expect(await queue.counts()).toEqual({ waiting: 0, delayed: 0, active: 0, completed: goodRefs.length, dead: DEAD_IDS.length, blocked: 0, paused: false });
  });
});
