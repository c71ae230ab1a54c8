import type { Redis } from 'ioredis';
import { resolveTaskOptions } from '../../lib/config/options.resolver.js';
import type { ScheduleDefinition } from '../../lib/engine/schedule-engine.js';
import { RedisConnections } from '../../lib/redis/redis-connections.js';
import { RedisScheduleEngine } from '../../lib/redis/redis-schedule-engine.js';
import { ScheduleKeys } from '../../lib/redis/schedule-keys.js';
import { TEST_CONNECTION, inspector, removePrefix, uniquePrefix } from '../utils/redis.js';

// The Redis schedule engine's own housekeeping, which the port hides: the
// prefix-wide directory and the per-queue due-time index live in different
// slots, so `due` cleans up what an interrupted save or remove left behind.

describe('RedisScheduleEngine.due', () => {
  const prefix = uniquePrefix('sched-engine');
  const options = resolveTaskOptions({ connection: TEST_CONNECTION, prefix });
  const connections = new RedisConnections(options);
  const engine = new RedisScheduleEngine(connections, options);
  let redis: Redis;
  const definition = (id: string, queue: string): ScheduleDefinition => ({
    id, queue, name: 'job', payloadJson: 'null', spec: { cron: null, every: 60_000, timezone: null }, priority: 0,
    maxAttempts: 1, backoff: null, timeoutMs: 0, removeOnComplete: null, removeOnDead: null,
  });

  beforeAll(async () => {
    await connections.onApplicationBootstrap();
    redis = inspector();
  });

  afterAll(async () => {
    await connections.onApplicationShutdown();
    await redis.quit();
    await removePrefix(prefix);
  });

  it('removes a definition the directory does not point at instead of returning it as due', async () => {
    const now = await engine.now();
    await engine.save(definition('moved', 'old'), now - 1_000);
    // An interrupted move: the directory already points at 'new', the old definition is still there.
    await redis.hset(ScheduleKeys.directory(prefix), 'moved', 'new');
    await engine.save(definition('other', 'old'), now + 60_000);
    const { due } = await engine.due(now, 10);
    expect(due.map((s) => s.id)).toEqual([]);
    const old = new ScheduleKeys(prefix, 'old');
    expect(await redis.exists(old.definition('moved'))).toBe(0);
    expect(await redis.zscore(old.due, 'moved')).toBeNull();
  });

  it('reads a definition saved by 0.1.0 (no priority field) as priority 0, and saving it again unchanged changes nothing', async () => {
    const now = await engine.now();
    await engine.save(definition('legacy', 'q4'), now + 60_000);
    const keys = new ScheduleKeys(prefix, 'q4');
    await redis.hdel(keys.definition('legacy'), 'p');
    const revision = await redis.hget(keys.definition('legacy'), 'v');
    expect(await engine.save(definition('legacy', 'q4'), now + 90_000)).toEqual({ next: now + 60_000, status: 'unchanged' });
    expect(await redis.hget(keys.definition('legacy'), 'v')).toBe(revision);
    expect((await engine.list()).find((s) => s.id === 'legacy')).toMatchObject({ priority: 0, next: now + 60_000 });
    // A priority given later is a change of the definition, not of its timing.
    expect(await engine.save({ ...definition('legacy', 'q4'), priority: -3 }, now + 90_000)).toEqual({ next: now + 60_000, status: 'updated' });
    expect((await engine.list()).find((s) => s.id === 'legacy')).toMatchObject({ priority: -3 });
  });

  it('removes an index entry whose definition cannot be read', async () => {
    const now = await engine.now();
    await engine.save(definition('broken', 'q2'), now - 1_000);
    const keys = new ScheduleKeys(prefix, 'q2');
    await redis.hdel(keys.definition('broken'), 'n');
    expect((await engine.due(now, 10)).due).toEqual([]);
    expect(await redis.zscore(keys.due, 'broken')).toBeNull();
  });

  it('skips an entry whose definition moved on since the index was read, reporting its new due time', async () => {
    const now = await engine.now();
    await engine.save(definition('racy', 'q3'), now + 5_000);
    // The index says due, the definition says later: a firing or a change came between the two reads.
    await redis.zadd(new ScheduleKeys(prefix, 'q3').due, now - 1_000, 'racy');
    const { due, upcoming } = await engine.due(now, 10);
    expect(due.map((s) => s.id)).not.toContain('racy');
    expect(upcoming).toBe(now + 5_000);
  });
});
