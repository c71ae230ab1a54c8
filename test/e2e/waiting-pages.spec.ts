import type { Redis } from 'ioredis';
import type { NewTask } from '../../lib/engine/new-task.js';
import { RECORD } from '../../lib/redis/protocol.js';
import { QueueKeys } from '../../lib/redis/queue-keys.js';
import type { RedisTaskEngine } from '../../lib/redis/redis-task-engine.js';
import { compactWaitScore } from '../../lib/redis/task-record.codec.js';
import { newTask, request } from '../contract/contract-kit.js';
import { useRedisEngine } from '../utils/redis-engine.js';
import { deleteStoredRecord, storeAsVersion010 } from '../utils/stored-payload.js';

// list('waiting') pages through the wait list (tasks of priority 0, in enqueue order) merged with the wait
// set and the handlers' parked sets by wait score, in one script that reads O(log n) + O(limit) (its cost:
// waiting-page-cost.spec.ts). Every page must be the slice of a plain merge of everything stored, computed
// here from raw reads, whatever the offset and the limit.

const QUEUE = 'pages';
const NAMES = ['plain', 'pa', 'pb'];
const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/**
 * Every waiting id in run order, from raw reads: the wait list's entries (one without a readable record
 * placed right behind the entry before it, where fetch meets it) merged with the wait set and each parked
 * set by wait score; ties go to the sets, the wait set first, parked sets by name, then each set's order.
 */
async function fullMerge(redis: Redis, keys: QueueKeys): Promise<Array<{ id: string; source: number }>> {
  const list = await redis.lrange(keys.waitList, 0, -1);
  const compact = list.length === 0 ? [] : await redis.hmget(keys.compactRecords, ...list);
  const reads = redis.pipeline();
  for (const id of list) reads.hget(keys.task(id), RECORD.waitScore);
  const recordScores = ((await reads.exec()) ?? []).map(([, score]) => score as string | null);
  const names = (await redis.smembers(keys.parkedNames)).sort(byBytes);
  const sets = [keys.wait, ...names.map((name) => keys.handlerParked(name))];
  const entries: Array<{ id: string; score: number; source: number; at: number }> = [];
  for (const [source, key] of sets.entries()) {
    const flat = await redis.zrange(key, 0, -1, 'WITHSCORES');
    for (let i = 0; i < flat.length; i += 2) entries.push({ id: flat[i], score: Number(flat[i + 1]), source, at: i });
  }
  let last = 0;
  list.forEach((id, at) => {
    const own = (compact[at] === null ? null : compactWaitScore(compact[at]!)) ?? (recordScores[at] === null ? null : Number(recordScores[at]));
    last = own ?? last;
    entries.push({ id, score: last, source: sets.length, at });
  });
  entries.sort((a, b) => a.score - b.score || a.source - b.source || a.at - b.at);
  return entries.map(({ id, source }) => ({ id, source }));
}

describe('pages of waiting tasks across the wait list, the wait set and the parked sets', () => {
  const current = useRedisEngine('waitpages');
  let engine: RedisTaskEngine;
  let redis: Redis;
  let keys: QueueKeys;

  beforeEach(() => {
    ({ engine, redis } = current());
    keys = new QueueKeys(current().prefix, QUEUE);
  });

  const add = (tasks: NewTask[]) => engine.add(tasks.map((task) => ({ queue: QUEUE, task })));
  const page = async (offset: number, limit: number) => (await engine.list(QUEUE, 'waiting', offset, limit)).map((t) => t.id);

  /**
   * 3,000 tasks of priority 0 in the list (a few with record keys), 24 of other priorities enqueued between
   * them, tasks fetched and handed back (the wait set), tasks parked at their handler's limit by a real
   * fetch, and list tasks spread over the whole queue moved to the wait set (as 0.1.0 left them) and to the
   * parked sets of two handlers.
   */
  async function mixedQueue(): Promise<void> {
    for (let round = 0; round < 6; round++) {
      await add(Array.from({ length: 500 }, (_, i) => newTask(`l${round * 500 + i}`, { name: NAMES[(round * 500 + i) % 3] })));
      await add([5, 1, -1, -4].map((priority, i) => newTask(`p${round}_${i}`, { priority })));
    }
    // A dependent gives its dependencies record keys, in their place in the list.
    await add([newTask('dependent', { dependsOn: ['l100', 'l1700', 'l2999'] })]);
    const handedBack = (await engine.fetch(QUEUE, request(20))).tasks;
    expect(await engine.release(QUEUE, handedBack.map((t) => t.lease))).toBe(20);
    const started = (await engine.fetch(QUEUE, request(30, 30_000, new Map([['pa', 1], ['pb', 1]])))).tasks;
    expect(await redis.scard(keys.parkedNames)).toBe(2);
    await engine.release(QUEUE, started.map((t) => t.lease));
    const moved = new Set<string>();
    for (let i = 300; i < 3_000; i += 41) {
      if (i === 1_700) continue;
      await storeAsVersion010(redis, keys, `l${i}`);
      moved.add(`l${i}`);
    }
    for (let i = 250; i < 3_000; i += 37) {
      const id = `l${i}`;
      if (moved.has(id) || i % 3 === 0 || i === 1_700) continue;
      const score = await storeAsVersion010(redis, keys, id);
      await redis.multi().zrem(keys.wait, id).zadd(keys.handlerParked(NAMES[i % 3]), score, id).sadd(keys.parkedNames, NAMES[i % 3]).exec();
    }
    expect(await redis.zcard(keys.handlerParked('pa'))).toBeGreaterThan(30);
    expect(await redis.zcard(keys.wait)).toBeGreaterThan(70);
  }

  /** Checks pages of every size that matters against the full merge, `gone` (ids without a record) left out. */
  async function expectPagesOf(merged: Array<{ id: string; source: number }>, gone: ReadonlySet<string> = new Set()) {
    const all = merged.map((e) => e.id);
    const expected = (offset: number, limit: number) => all.slice(offset, offset + limit).filter((id) => !gone.has(id));
    for (const limit of [50, 7]) {
      for (let offset = 0; offset < all.length; offset += limit) expect({ offset, limit, ids: await page(offset, limit) }).toEqual({ offset, limit, ids: expected(offset, limit) });
    }
    // One at a time over the front (the wait set's, the parked sets' and the list's first tasks meet there),
    // on both sides of every place where the next task comes from another set or the list, and over the end.
    const edges = merged.flatMap((e, i) => (i > 0 && e.source !== merged[i - 1].source ? [i - 1, i] : []));
    expect(edges.length).toBeGreaterThan(200);
    const singles = new Set([...Array.from({ length: 80 }, (_, i) => i), ...edges, ...Array.from({ length: 30 }, (_, i) => all.length - 25 + i)]);
    for (const offset of singles) expect({ offset, ids: await page(offset, 1) }).toEqual({ offset, ids: expected(offset, 1) });
    for (const offset of [0, 1_234, all.length - 10, all.length, all.length + 1, 1e9]) {
      expect({ offset, ids: await page(offset, 1_000) }).toEqual({ offset, ids: expected(offset, 1_000) });
    }
  }

  it('pages a queue mixing all of them exactly as a merge of everything stored, from any offset and for any limit', async () => {
    await mixedQueue();
    const merged = await fullMerge(redis, keys);
    const all = merged.map((e) => e.id);
    // The order a user expects: higher priorities first, then the enqueue order at priority 0 wherever a task waits.
    expect(all.filter((id) => id.startsWith('l'))).toEqual(Array.from({ length: 3_000 }, (_, i) => `l${i}`));
    expect(all.slice(0, 12).every((id) => /^p\d_[01]$/.test(id))).toBe(true);
    expect(all.slice(-12).every((id) => /^p\d_[23]$/.test(id))).toBe(true);
    await expectPagesOf(merged);
  }, 60_000);

  it('breaks ties of wait score (only hand edits make them) as the merge before it did: the sets first, the wait set, then parked sets by name', async () => {
    await mixedQueue();
    const list = await redis.lrange(keys.waitList, 0, -1);
    const [waitSet, pa, pb] = await Promise.all([keys.wait, keys.handlerParked('pa'), keys.handlerParked('pb')].map((key) => redis.zrange(key, 0, -1, 'WITHSCORES')));
    const listScore = async (id: string) => {
      const text = await redis.hget(keys.compactRecords, id);
      return text === null ? (await redis.hget(keys.task(id), RECORD.waitScore))! : String(compactWaitScore(text));
    };
    // A wait-set task on a list entry's score; a parked task on a wait-set task's; one parked set's on the other's.
    await redis.zadd(keys.wait, await listScore(list[1_500]), waitSet[2 * 60]);
    await redis.zadd(keys.handlerParked('pb'), waitSet[2 * 70 + 1], pb[2 * 10]);
    await redis.zadd(keys.handlerParked('pb'), pa[2 * 20 + 1], pb[2 * 12]);
    // All three sets and the list on one score.
    const shared = await listScore(list[2_100]);
    await redis.multi().zadd(keys.wait, shared, waitSet[2 * 65]).zadd(keys.handlerParked('pa'), shared, pa[2 * 25]).zadd(keys.handlerParked('pb'), shared, pb[2 * 15]).exec();
    const merged = await fullMerge(redis, keys);
    const all = merged.map((e) => e.id);
    const at = all.indexOf(list[2_100]);
    expect(all.slice(at - 3, at + 1)).toEqual([waitSet[2 * 65], pa[2 * 25], pb[2 * 15], list[2_100]]);
    await expectPagesOf(merged);
  }, 60_000);

  it('places a list entry whose record is gone behind the entry before it, where fetch meets it, and leaves it out of its page', async () => {
    await mixedQueue();
    const list = await redis.lrange(keys.waitList, 0, -1);
    const waitSet = await redis.zrange(keys.wait, 0, -1);
    // The list's first entry, a run of three, one with a record key, one garbled; a wait-set task's record.
    const gone = new Set([list[0], list[900], list[901], list[902], 'l1700', list[2_000], waitSet[40]]);
    for (const id of gone) if (id !== list[2_000]) await deleteStoredRecord(redis, keys, id);
    await redis.hset(keys.compactRecords, list[2_000], 'not a compact record');
    const merged = await fullMerge(redis, keys);
    expect(merged).toHaveLength(3_000 + 24);
    await expectPagesOf(merged, gone);

    // A run of 150 (more than the script looks back over): placed less exactly, but a page never fails.
    for (const id of list.slice(1_200, 1_350)) await deleteStoredRecord(redis, keys, id);
    for (let offset = 0; offset < merged.length + 50; offset += 50) expect((await page(offset, 50)).length).toBeLessThanOrEqual(50);
  }, 60_000);
});
