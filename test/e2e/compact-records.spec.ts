import type { Redis } from 'ioredis';
import type { FetchedTask } from '../../lib/engine/attempt.js';
import type { NewTask } from '../../lib/engine/new-task.js';
import { COMPACT_PAYLOAD_MAX, RECORD } from '../../lib/redis/protocol.js';
import { QueueKeys } from '../../lib/redis/queue-keys.js';
import type { RedisTaskEngine } from '../../lib/redis/redis-task-engine.js';
import { QUEUE, newTask, request } from '../contract/contract-kit.js';
import { useRedisEngine } from '../utils/redis-engine.js';
import { clearStoredField, deleteStoredPayload, deleteStoredRecord } from '../utils/stored-payload.js';

// A plain task of priority 0 that waits at once is its id in the wait list
// and one field of the queue's compact-record hash. Everything a user can do
// with a waiting task works on it as on any other, and when it first leaves
// plain waiting it gets its record key, from then on like every other task.
describe('compact records of waiting tasks', () => {
  const current = useRedisEngine('compact');
  let engine: RedisTaskEngine;
  let redis: Redis;
  let keys: QueueKeys;
  beforeEach(() => {
    const c = current();
    ({ engine, redis } = c);
    keys = new QueueKeys(c.prefix, QUEUE);
  });

  const add = async (...tasks: NewTask[]) => engine.add(tasks.map((task) => ({ queue: QUEUE, task })));
  const take = async (count: number, limits?: ReadonlyMap<string, number>): Promise<FetchedTask[]> => (await engine.fetch(QUEUE, request(count, 30_000, limits))).tasks;
  /** 'compact', 'record' (a record key), 'both' (never expected) or 'none'. */
  async function form(id: string): Promise<string> {
    const [compact, record] = await Promise.all([redis.hexists(keys.compactRecords, id), redis.exists(keys.task(id))]);
    return compact && record ? 'both' : compact ? 'compact' : record ? 'record' : 'none';
  }

  it('stores a plain task of priority 0 compactly, and reads, lists, counts and ages it like any waiting task', async () => {
    await add(
      newTask('c1', { maxAttempts: 4, backoff: { type: 'exponential', delay: 100, maxDelay: 900 } }),
      newTask('p1', { priority: 2 }),
      newTask('c2', { name: 'other' }),
      newTask('d1', { delayMs: 60_000 }),
    );
    expect(await Promise.all(['c1', 'p1', 'c2', 'd1'].map(form))).toEqual(['compact', 'record', 'compact', 'record']);
    expect(await redis.lrange(keys.waitList, 0, -1)).toEqual(['c1', 'c2']);

    const info = await engine.get(QUEUE, 'c1');
    expect(info).toMatchObject({ id: 'c1', name: 'job', payload: { id: 'c1' }, state: 'waiting', priority: 0, attempts: 0, maxAttempts: 4, error: null, startedAt: null, finishedAt: null });
    expect(info!.enqueuedAt).toBeGreaterThan(Date.now() - 60_000);
    expect(info!.runAt).toBe(info!.enqueuedAt);
    expect((await engine.list(QUEUE, 'waiting', 0, 10)).map((t) => t.id)).toEqual(['p1', 'c1', 'c2']);
    expect((await engine.list(QUEUE, 'waiting', 0, 10, 'other')).map((t) => t.id)).toEqual(['c2']);
    expect((await engine.counts(QUEUE)).waiting).toBe(3);
    expect(await engine.existing(QUEUE, ['c1', 'c2', 'p1', 'gone'])).toEqual([true, true, true, false]);
    expect(await engine.history(QUEUE, 'c1')).toEqual([]);
    expect(await engine.relations(QUEUE, 'c1')).toEqual({ dependencies: [], dependents: [] });
    expect(await engine.readLog(QUEUE, 'c1')).toEqual([]);
    expect(await engine.waitingAge(QUEUE, 4)).toBeGreaterThanOrEqual(0);
    // A waiting task is not dead: nothing to retry.
    expect(await engine.retry(QUEUE, 'c1')).toBe(false);
    expect(await form('c1')).toBe('compact');
  });

  it('keeps a payload over COMPACT_PAYLOAD_MAX out of compact records: it waits in the wait list with a record key, in enqueue order', async () => {
    const big = (id: string, bytes: number) => newTask(id, { payloadJson: JSON.stringify({ id, pad: 'x'.repeat(bytes) }) });
    const small = big('small', COMPACT_PAYLOAD_MAX - 30);
    expect(small.payloadJson.length).toBeLessThanOrEqual(COMPACT_PAYLOAD_MAX);
    await add(big('large-1', COMPACT_PAYLOAD_MAX), small, big('large-2', 100_000), newTask('plain', { name: 'other' }));
    expect(await Promise.all(['large-1', 'small', 'large-2', 'plain'].map(form))).toEqual(['record', 'compact', 'record', 'compact']);
    expect(await redis.lrange(keys.waitList, 0, -1)).toEqual(['large-1', 'small', 'large-2', 'plain']);
    // Its payload has a key of its own: a name filter reads the record's name without it.
    expect(await redis.strlen(keys.payload('large-2'))).toBeGreaterThan(100_000);
    expect((await engine.list(QUEUE, 'waiting', 0, 10, 'job')).map((t) => t.id)).toEqual(['large-1', 'small', 'large-2']);
    expect(((await engine.get(QUEUE, 'large-2'))?.payload as { pad: string }).pad).toHaveLength(100_000);
    expect((await take(4)).map((t) => [t.id, (t.payload as { id: string }).id])).toEqual([
      ['large-1', 'large-1'],
      ['small', 'small'],
      ['large-2', 'large-2'],
      ['plain', 'plain'],
    ]);
  });

  it('refuses an id taken by a compact record, whatever form the new task would take, and the reverse', async () => {
    await add(newTask('same'));
    const again = await add(newTask('same', { payloadJson: '"second"' }), newTask('same', { delayMs: 60_000 }), newTask('same', { priority: 3 }));
    expect(again.map((r) => r.created)).toEqual([false, false, false]);
    expect((await engine.get(QUEUE, 'same'))?.payload).toEqual({ id: 'same' });
    await add(newTask('keyed', { priority: 1 }));
    expect((await add(newTask('keyed')))[0].created).toBe(false);
    expect(await form('keyed')).toBe('record');
    expect(await redis.lrange(keys.waitList, 0, -1)).toEqual(['same']);
  });

  it('hands a fetch the task as enqueued, then keeps its record key through retries and completion', async () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    await add(newTask('full', { maxAttempts: 2, timeoutMs: 1_500, backoff: { type: 'fixed', delay: 10 }, removeOnComplete: { age: 60_000, count: 5 }, traceContext: traceparent }));
    expect(await form('full')).toBe('compact');
    const [first] = await take(1);
    expect(first).toMatchObject({ id: 'full', name: 'job', payload: { id: 'full' }, attempt: 1, maxAttempts: 2, timeoutMs: 1_500, backoff: { type: 'fixed', delay: 10 }, traceContext: traceparent });
    expect(await form('full')).toBe('record');
    const record = await redis.hgetall(keys.task('full'));
    expect(record).toMatchObject({ [RECORD.state]: 'a', [RECORD.attempts]: '1', [RECORD.timeout]: '1500', [RECORD.removeOnComplete]: '60000,5', [RECORD.plain]: '1' });
    expect(record[RECORD.waitScore]).toMatch(/^\d{16}$/);

    // A retry puts it back in its old place (the wait set, under the wait score its compact record gave).
    await engine.settle(QUEUE, [{ lease: first.lease, kind: 'failed', error: { message: 'once' }, then: { action: 'retry', delayMs: 0 } }], request(0));
    expect(await redis.zscore(keys.wait, 'full')).toBe(record[RECORD.waitScore]);
    const [second] = await take(1);
    expect(second).toMatchObject({ id: 'full', attempt: 2, payload: { id: 'full' } });
    await engine.settle(QUEUE, [{ lease: second.lease, kind: 'completed', resultJson: '"done"' }], request(0));
    expect(await engine.get(QUEUE, 'full')).toMatchObject({ state: 'completed', attempts: 2, result: 'done', traceId: '0af7651916cd43dd8448eb211c80319c' });
    expect(await redis.hlen(keys.compactRecords)).toBe(0);
  });

  it('runs compact tasks in enqueue order among tasks of other priorities and put-back tasks', async () => {
    await add(newTask('a'), newTask('b'), newTask('high', { priority: 1 }), newTask('c'), newTask('low', { priority: -1 }));
    const [a] = await take(1);
    expect(a.id).toBe('high');
    const [first] = await take(1);
    expect(first.id).toBe('a');
    // Released, 'a' goes back before 'b' and 'c' (its wait score is older).
    await engine.release(QUEUE, [first.lease]);
    expect((await take(5)).map((t) => t.id)).toEqual(['a', 'b', 'c', 'low']);
  });

  it('takes more compact records in one fetch than Lua can unpack at once (a worker of concurrency 10,000)', async () => {
    const count = 8_500;
    for (let from = 0; from < count; from += 1_000) {
      await add(...Array.from({ length: Math.min(1_000, count - from) }, (_, i) => newTask(`many-${from + i}`)));
    }
    const taken = await take(count);
    expect(taken).toHaveLength(count);
    expect(taken[0].id).toBe('many-0');
    expect(taken[count - 1]).toMatchObject({ id: `many-${count - 1}`, payload: { id: `many-${count - 1}` } });
    expect(await redis.hlen(keys.compactRecords)).toBe(0);
  });

  it('cancels a compact task, drains and obliterates them without a trace', async () => {
    await add(newTask('x1'), newTask('x2'), newTask('x3'), newTask('x4'));
    expect(await engine.cancel(QUEUE, 'x2')).toBe(true);
    expect(await engine.cancel(QUEUE, 'x2')).toBe(false);
    expect(await form('x2')).toBe('none');
    expect(await redis.lrange(keys.waitList, 0, -1)).toEqual(['x1', 'x3', 'x4']);
    expect(await engine.drain(QUEUE, false)).toBe(3);
    expect(await redis.exists(keys.waitList, keys.compactRecords)).toBe(0);
    await add(newTask('y1'), newTask('y2'));
    expect((await engine.obliterate(QUEUE, false)).status).toBe('done');
    expect(await redis.exists(keys.waitList, keys.compactRecords)).toBe(0);
  });

  it('gives a compact task its record key when a task is enqueued to depend on it, or a waitFor watches it', async () => {
    await add(newTask('parent'), newTask('watched'));
    const [child] = await add(newTask('child', { dependsOn: ['parent'] }));
    expect(child.created).toBe(true);
    expect(await form('parent')).toBe('record');
    expect(await redis.hget(keys.task('parent'), RECORD.hasDependents)).toBe('1');
    expect(await redis.hget(keys.task('parent'), RECORD.state)).toBe('w');
    expect(await engine.watch(QUEUE, 'watched')).toMatchObject({ final: null });
    expect(await form('watched')).toBe('record');
    expect(await redis.hget(keys.task('watched'), RECORD.awaited)).toBe('1');
    // Both keep their places in the wait list.
    expect(await redis.lrange(keys.waitList, 0, -1)).toEqual(['parent', 'watched']);
    const [p, w] = await take(2);
    expect([p.id, w.id]).toEqual(['parent', 'watched']);
    expect(p.payload).toEqual({ id: 'parent' });
    await engine.settle(QUEUE, [{ lease: p.lease, kind: 'completed', resultJson: '1' }], request(0));
    expect((await engine.get(QUEUE, 'child'))?.state).toBe('waiting');
  });

  it('parks a compact task whose handler is at its fleet-wide limit, with its record key and wait score', async () => {
    await add(newTask('l1', { name: 'limited' }), newTask('l2', { name: 'limited' }), newTask('free'));
    const limits = new Map([['limited', 1]]);
    expect((await take(3, limits)).map((t) => t.id)).toEqual(['l1', 'free']);
    expect(await form('l2')).toBe('record');
    expect(await redis.hget(keys.task('l2'), RECORD.state)).toBe('w');
    expect(await redis.zscore(keys.handlerParked('limited'), 'l2')).toBe(await redis.hget(keys.task('l2'), RECORD.waitScore));
    expect((await engine.list(QUEUE, 'waiting', 0, 10)).map((t) => t.id)).toEqual(['l2']);
  });

  it('moves a damaged compact record out of the way: dead with the reason when it can be read, dropped when not', async () => {
    await add(newTask('lost-payload'), newTask('lost-name'), newTask('lost-record'), newTask('garbled'), newTask('fine'));
    await deleteStoredPayload(redis, keys, 'lost-payload');
    await clearStoredField(redis, keys, 'lost-name', 'name');
    await deleteStoredRecord(redis, keys, 'lost-record');
    await redis.hset(keys.compactRecords, 'garbled', 'not a compact record');
    const reply = await engine.fetch(QUEUE, request(5));
    expect(reply.tasks.map((t) => t.id)).toEqual(['fine']);
    expect([...reply.brokenIds].sort()).toEqual(['garbled', 'lost-name', 'lost-payload', 'lost-record']);
    for (const id of ['lost-payload', 'lost-name']) expect((await engine.get(QUEUE, id))?.error?.message).toMatch(/record is broken/);
    expect(await engine.get(QUEUE, 'garbled')).toBeNull();
    expect(await engine.get(QUEUE, 'lost-record')).toBeNull();
    expect(await redis.hlen(keys.compactRecords)).toBe(0);
  });

  it('ends the dependents of a task moved to dead as broken dead too, and says so in the event stream', async () => {
    await add(newTask('base'));
    await add(newTask('next', { dependsOn: ['base'] }), newTask('anyway', { dependsOn: ['base'], dependencyFailure: 'run' }));
    await deleteStoredPayload(redis, keys, 'base');
    const reply = await engine.fetch(QUEUE, request(5));
    expect(reply.brokenIds).toEqual(['base']);
    expect(await engine.get(QUEUE, 'next')).toMatchObject({ state: 'dead', error: { message: 'dependency base ended dead: its record is broken' } });
    expect(await engine.get(QUEUE, 'anyway')).toMatchObject({ state: 'waiting' });
    const reader = await engine.openEventReader(QUEUE);
    const { events } = await reader.read('0', 1);
    reader.close();
    expect(events.filter((e) => e.type === 'dead').map((e) => e.id)).toEqual(['base', 'next']);
  });
});
