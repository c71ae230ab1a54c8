import type { Redis } from 'ioredis';
import type { FetchedTask } from '../../lib/engine/attempt.js';
import { QueueKeys } from '../../lib/redis/queue-keys.js';
import type { RedisTaskEngine } from '../../lib/redis/redis-task-engine.js';
import { QUEUE, newTask, request } from '../contract/contract-kit.js';
import { keysOf } from '../utils/redis.js';
import { useRedisEngine } from '../utils/redis-engine.js';
import { sleep } from '../utils/wait.js';

// A task removed at once when it completes or dies takes every key it had
// with it. Settle deletes only the record and payload (and dependents set) of
// a task still flagged plain, so each way a task gains more keys (dependencies,
// a log line, a failed attempt, dependents) must clear or bypass that flag.
describe('a task removed at once leaves no key behind', () => {
  const current = useRedisEngine('removed-keys', { retention: { completed: { count: 0 }, dead: { count: 0 } } });
  let prefix: string;
  let engine: RedisTaskEngine;
  let redis: Redis;
  beforeEach(() => {
    ({ prefix, engine, redis } = current());
  });

  const add = (...tasks: ReturnType<typeof newTask>[]) => engine.add(tasks.map((task) => ({ queue: QUEUE, task })));
  async function take(count: number): Promise<FetchedTask[]> {
    return (await engine.fetch(QUEUE, request(count))).tasks;
  }
  async function complete(task: FetchedTask): Promise<void> {
    const reply = await engine.settle(QUEUE, [{ lease: task.lease, kind: 'completed', resultJson: '"ok"' }], request(0));
    expect(reply.settled).toEqual([true]);
  }
  /** The keys under the prefix that belong to task `id`. */
  async function keysOfTask(id: string): Promise<string[]> {
    return (await keysOf(redis, prefix)).filter((key) => key.endsWith(`:${id}`));
  }

  /** Whether the task has a compact record (a field of the queue's shared hash, no key of its own). */
  const compact = async (id: string) => (await redis.hexists(new QueueKeys(prefix, QUEUE).compactRecords, id)) === 1;

  it('a plain task: a compact record while it waits, then its record, which holds its payload', async () => {
    await add(newTask('plain'));
    expect(await keysOfTask('plain')).toEqual([]);
    expect(await compact('plain')).toBe(true);
    const [task] = await take(1);
    expect(await keysOfTask('plain')).toHaveLength(1);
    expect(await compact('plain')).toBe(false);
    await complete(task);
    expect(await keysOfTask('plain')).toEqual([]);
  });

  it('a plain task whose payload is too long for its record: compact record, then record and payload key', async () => {
    await add(newTask('plain-long', { payloadJson: JSON.stringify({ text: 'x'.repeat(400) }) }));
    expect(await keysOfTask('plain-long')).toEqual([]);
    expect(await compact('plain-long')).toBe(true);
    const [task] = await take(1);
    expect(task.payload).toEqual({ text: 'x'.repeat(400) });
    expect(await keysOfTask('plain-long')).toHaveLength(2);
    await complete(task);
    expect(await keysOfTask('plain-long')).toEqual([]);
  });

  it('a task whose handler logged: its log list too', async () => {
    await add(newTask('logged'));
    const [task] = await take(1);
    expect(await engine.appendLog(QUEUE, task.lease, 'a line', 100)).toBe(true);
    expect(await keysOfTask('logged')).toContain(`{${prefix}:${QUEUE}}:l:logged`);
    await complete(task);
    expect(await keysOfTask('logged')).toEqual([]);
  });

  it('a task that failed an attempt before completing: its history too', async () => {
    await add(newTask('retried', { maxAttempts: 3 }));
    const [first] = await take(1);
    await engine.settle(QUEUE, [{ lease: first.lease, kind: 'failed', error: { message: 'boom' }, then: { action: 'retry', delayMs: 0 } }], request(0));
    expect(await keysOfTask('retried')).toContain(`{${prefix}:${QUEUE}}:h:retried`);
    const [second] = await take(1);
    expect(second.attempt).toBe(2);
    await complete(second);
    expect(await keysOfTask('retried')).toEqual([]);
  });

  it('a task that ends dead at once after a logged attempt', async () => {
    await add(newTask('doomed', { maxAttempts: 1 }));
    const [task] = await take(1);
    await engine.appendLog(QUEUE, task.lease, 'about to fail', 100);
    await engine.settle(QUEUE, [{ lease: task.lease, kind: 'failed', error: { message: 'boom' }, then: { action: 'dead' } }], request(0));
    expect(await keysOfTask('doomed')).toEqual([]);
  });

  it('a dependency and its dependent: the dependents set, the dependency list and the results', async () => {
    await add(newTask('parent'));
    await add(newTask('child', { dependsOn: ['parent'] }));
    const [parent] = await take(1);
    expect(parent.id).toBe('parent');
    await complete(parent);
    expect(await keysOfTask('parent')).toEqual([]);
    const [child] = await take(1);
    expect(child.id).toBe('child');
    expect(await keysOfTask('child')).toEqual(
      expect.arrayContaining([`{${prefix}:${QUEUE}}:da:child`, `{${prefix}:${QUEUE}}:dr:child`]),
    );
    await complete(child);
    expect(await keysOfTask('child')).toEqual([]);
  });
});

// The same when retention trims a kept task later: trim reads the plain flag
// as settle does, and deletes every key a task that is not plain may have.
describe('a kept task trimmed by its retention count leaves no key behind', () => {
  const current = useRedisEngine('trimmed-keys', { retention: { completed: { count: 1 }, dead: { count: 1 } } });
  let prefix: string;
  let engine: RedisTaskEngine;
  let redis: Redis;
  beforeEach(() => {
    ({ prefix, engine, redis } = current());
  });

  async function runToCompletion(id: string, fields: Parameters<typeof newTask>[1] = {}, beforeComplete?: (task: FetchedTask) => Promise<void>) {
    await engine.add([{ queue: QUEUE, task: newTask(id, fields) }]);
    const [task] = (await engine.fetch(QUEUE, request(1))).tasks;
    expect(task.id).toBe(id);
    await beforeComplete?.(task);
    const reply = await engine.settle(QUEUE, [{ lease: task.lease, kind: 'completed', resultJson: '"ok"' }], request(0));
    expect(reply.settled).toEqual([true]);
  }
  const keysOfTask = async (id: string) => (await keysOf(redis, prefix)).filter((key) => key.endsWith(`:${id}`));

  it.each([
    ['plain, payload in its record', {}, undefined],
    ['plain, payload in its own key', { payloadJson: JSON.stringify({ text: 'x'.repeat(400) }) }, undefined],
    ['logged', {}, (task: FetchedTask) => engine.appendLog(QUEUE, task.lease, 'a line', 100).then(() => undefined)],
  ] as const)('%s', async (_kind, fields, beforeComplete) => {
    await runToCompletion('kept', fields, beforeComplete);
    expect((await keysOfTask('kept')).length).toBeGreaterThan(0);
    // The next completion, in a later millisecond, pushes it out of a retention of one.
    await sleep(2);
    await runToCompletion('pusher');
    expect(await keysOfTask('kept')).toEqual([]);
    expect(await keysOfTask('pusher')).toHaveLength(1);
  });

  it('a dependency with a dependent: its dependents set too', async () => {
    await engine.add([{ queue: QUEUE, task: newTask('parent') }, { queue: QUEUE, task: newTask('child', { dependsOn: ['parent'] }) }]);
    expect(await keysOfTask('parent')).toContain(`{${prefix}:${QUEUE}}:dn:parent`);
    const [parent] = (await engine.fetch(QUEUE, request(1))).tasks;
    expect(parent.id).toBe('parent');
    await engine.settle(QUEUE, [{ lease: parent.lease, kind: 'completed', resultJson: '"ok"' }], request(0));
    // The child's completion pushes the parent out of a retention of one. It must come
    // in a later millisecond: completions of the same millisecond are ordered by id,
    // and 'child' sorts before 'parent'.
    await sleep(2);
    const [child] = (await engine.fetch(QUEUE, request(1))).tasks;
    expect(child.id).toBe('child');
    await engine.settle(QUEUE, [{ lease: child.lease, kind: 'completed', resultJson: '"ok"' }], request(0));
    expect(await keysOfTask('parent')).toEqual([]);
  });
});

// remove() of a finished task deletes what retention would: every key of it.
describe('a finished task removed by remove() leaves no key behind', () => {
  const current = useRedisEngine('removed-by-call');
  let prefix: string;
  let engine: RedisTaskEngine;
  let redis: Redis;
  beforeEach(() => {
    ({ prefix, engine, redis } = current());
  });
  const keysOfTask = async (id: string) => (await keysOf(redis, prefix)).filter((key) => key.endsWith(`:${id}`));

  it('a completed task that logged and failed an attempt first, and a dead one', async () => {
    await engine.add([{ queue: QUEUE, task: newTask('kept', { maxAttempts: 3 }) }, { queue: QUEUE, task: newTask('gone', { maxAttempts: 1 }) }]);
    const [first, gone] = (await engine.fetch(QUEUE, request(2))).tasks;
    await engine.appendLog(QUEUE, first.lease, 'a line', 100);
    await engine.settle(
      QUEUE,
      [
        { lease: first.lease, kind: 'failed', error: { message: 'boom' }, then: { action: 'retry', delayMs: 0 } },
        { lease: gone.lease, kind: 'failed', error: { message: 'boom' }, then: { action: 'dead' } },
      ],
      request(0),
    );
    const [second] = (await engine.fetch(QUEUE, request(1))).tasks;
    await engine.settle(QUEUE, [{ lease: second.lease, kind: 'completed', resultJson: '"ok"' }], request(0));
    expect(await keysOfTask('kept')).toEqual(expect.arrayContaining([`{${prefix}:${QUEUE}}:l:kept`, `{${prefix}:${QUEUE}}:h:kept`]));
    expect((await keysOfTask('gone')).length).toBeGreaterThan(0);
    expect(await engine.remove(QUEUE, 'kept')).toBe('finished');
    expect(await engine.remove(QUEUE, 'gone')).toBe('finished');
    expect(await keysOfTask('kept')).toEqual([]);
    expect(await keysOfTask('gone')).toEqual([]);
    expect(await engine.counts(QUEUE)).toMatchObject({ completed: 0, dead: 0 });
    expect(await engine.remove(QUEUE, 'kept')).toBeNull();
  });
});
