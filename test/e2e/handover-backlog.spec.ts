import { resolveTaskOptions } from '../../lib/config/options.resolver.js';
import { RedisConnections } from '../../lib/redis/redis-connections.js';
import { QueueKeys } from '../../lib/redis/queue-keys.js';
import { RedisTaskEngine } from '../../lib/redis/redis-task-engine.js';
import type { Redis } from 'ioredis';
import { QUEUE, newTask, request } from '../contract/contract-kit.js';
import { TEST_CONNECTION, inspector, removePrefix, uniquePrefix } from '../utils/redis.js';

// A backlog of one task name during a rolling deploy: the old version lacks
// its handler and parks what it takes for the new one. A fetch of the new one
// puts back only as many parked tasks as it takes, so the old one does not
// park the whole backlog again on its next fetch (each round of that moved
// every parked task twice, loading Redis for every app on it).

describe('handing a backlog over to the worker that carries its handler', () => {
  const prefix = uniquePrefix('handover-backlog');
  let connections: RedisConnections;
  let engine: RedisTaskEngine;
  let redis: Redis;
  const keys = new QueueKeys(prefix, QUEUE);
  const waitingIds = async () => [...(await redis.zrange(keys.wait, 0, -1)), ...(await redis.lrange(keys.waitList, 0, -1))];

  beforeAll(async () => {
    const options = resolveTaskOptions({ connection: TEST_CONNECTION, prefix });
    connections = new RedisConnections(options);
    await connections.onApplicationBootstrap();
    engine = new RedisTaskEngine(connections, options);
    redis = inspector();
  });
  afterAll(async () => {
    await connections.onApplicationShutdown();
    await redis.quit();
    await removePrefix(prefix);
  });

  it("puts back only what the carrier's fetch takes, oldest first, and the rest stays parked", async () => {
    const carrier = { instanceId: 'new', host: 'h', pid: 1, startedAt: 0, queues: [{ queue: QUEUE, handlers: ['b'], concurrency: 3, running: 0, buffered: 0 }] };
    await engine.heartbeat(carrier, 30_000);
    await engine.add(Array.from({ length: 300 }, (_, n) => ({ queue: QUEUE, task: newTask(`b${n}`, { name: 'b' }) })));
    // The old version takes them all and parks them for the new one.
    expect((await engine.fetch(QUEUE, { ...request(5), handlerNames: ['a'] })).tasks).toEqual([]);
    expect(await redis.zcard(keys.handlerParked('b'))).toBe(300);

    await redis.del(keys.handlerMark('b'));
    const taken = (await engine.fetch(QUEUE, { ...request(3), handlerNames: ['b'] })).tasks;
    expect(taken.map((t) => t.id)).toEqual(['b0', 'b1', 'b2']);
    expect(await waitingIds()).toEqual([]);
    expect(await redis.zcard(keys.handlerParked('b'))).toBe(297);
    // The rest is for the name's other carriers (the new version's other replicas): one is woken, and passes it on.
    expect(await redis.zcard(keys.handlerMark('b'))).toBe(1);

    // The old version's next fetch finds nothing of the name to park again.
    expect((await engine.fetch(QUEUE, { ...request(5), handlerNames: ['a'] })).tasks).toEqual([]);
    expect(await redis.zcard(keys.handlerParked('b'))).toBe(297);
    expect((await engine.counts(QUEUE)).waiting).toBe(297);

    const next = (await engine.fetch(QUEUE, { ...request(2), handlerNames: ['b'] })).tasks;
    expect(next.map((t) => t.id)).toEqual(['b3', 'b4']);
    await engine.retireWorker('new');
  });

  it('wakes no other carrier when the fleet-wide limit is what holds the rest back', async () => {
    const carrier = { instanceId: 'limited', host: 'h', pid: 1, startedAt: 0, queues: [{ queue: QUEUE, handlers: ['c'], concurrency: 5, running: 0, buffered: 0 }] };
    await engine.heartbeat(carrier, 30_000);
    await engine.add(Array.from({ length: 20 }, (_, n) => ({ queue: QUEUE, task: newTask(`c${n}`, { name: 'c' }) })));
    expect((await engine.fetch(QUEUE, { ...request(5), handlerNames: ['a'] })).tasks).toEqual([]);
    await redis.del(keys.handlerMark('c'));
    const limits = new Map([['c', 2]]);
    expect((await engine.fetch(QUEUE, { ...request(5), handlerNames: ['c'], handlerLimits: limits })).tasks.map((t) => t.id)).toEqual(['c0', 'c1']);
    expect(await redis.zcard(keys.handlerMark('c'))).toBe(0);
    await engine.retireWorker('limited');
  });
});
