import type { Redis } from 'ioredis';
import { ITEM_KEY_SUFFIXES, THROUGHPUT, THROUGHPUT_TTL_MS } from '../../lib/redis/protocol.js';
import type { RedisTaskEngine } from '../../lib/redis/redis-task-engine.js';
import { QUEUE, newTask, request } from '../contract/contract-kit.js';
import { keysOf } from '../utils/redis.js';
import { useRedisEngine } from '../utils/redis-engine.js';

// The per-minute throughput counters expire: settle sets the expiry when a
// counter is created rather than on every call, so every way a minute's hash
// comes to be (completed first, failed first, both at once) must leave it expiring.
describe('throughput counters expire', () => {
  const current = useRedisEngine('tp-expiry');
  let prefix: string;
  let engine: RedisTaskEngine;
  let redis: Redis;
  beforeEach(() => {
    ({ prefix, engine, redis } = current());
  });

  const error = { message: 'boom', name: 'Error' };
  async function settleBatch(kinds: Array<'completed' | 'dead'>): Promise<void> {
    const ids = kinds.map((_, i) => `t${Date.now()}-${i}-${Math.random().toString(36).slice(2)}`);
    await engine.add(ids.map((id) => ({ queue: QUEUE, task: newTask(id, { maxAttempts: 1 }) })));
    const { tasks } = await engine.fetch(QUEUE, request(ids.length));
    expect(tasks).toHaveLength(ids.length);
    const reply = await engine.settle(
      QUEUE,
      tasks.map((task, i) =>
        kinds[i] === 'completed'
          ? { lease: task.lease, kind: 'completed' as const, resultJson: '1' }
          : { lease: task.lease, kind: 'failed' as const, error, then: { action: 'dead' as const } },
      ),
      request(0),
    );
    expect(reply.settled.every(Boolean)).toBe(true);
  }

  async function counters(): Promise<Array<{ key: string; ttl: number; fields: Record<string, string> }>> {
    const keys = (await keysOf(redis, prefix)).filter((key) => key.includes(`}:${ITEM_KEY_SUFFIXES.throughput}`));
    return Promise.all(keys.map(async (key) => ({ key, ttl: await redis.pttl(key), fields: await redis.hgetall(key) })));
  }

  function expectAllExpiring(found: Awaited<ReturnType<typeof counters>>): void {
    expect(found.length).toBeGreaterThan(0);
    for (const counter of found) {
      expect(counter.ttl).toBeGreaterThan(0);
      expect(counter.ttl).toBeLessThanOrEqual(THROUGHPUT_TTL_MS);
    }
  }

  it('when the minute starts with completed attempts and later ones add to it', async () => {
    await settleBatch(['completed', 'completed']);
    await settleBatch(['completed']);
    await settleBatch(['dead']);
    const found = await counters();
    expectAllExpiring(found);
    const sum = (field: string) => found.reduce((n, c) => n + Number(c.fields[field] ?? 0), 0);
    expect(sum(THROUGHPUT.completed)).toBe(3);
    expect(sum(THROUGHPUT.failed)).toBe(1);
  });

  it('when the minute starts with a failed attempt, and with both kinds in one batch', async () => {
    await settleBatch(['dead']);
    await settleBatch(['completed', 'dead']);
    expectAllExpiring(await counters());
  });

  it('when the hash lost its expiry, the next counter created in it sets it again', async () => {
    await settleBatch(['completed']);
    const [first] = await counters();
    await redis.persist(first.key);
    expect(await redis.pttl(first.key)).toBe(-1);
    await settleBatch(['dead']);
    // The dead attempt created the failed counter of its minute's hash (this one, or the next on a minute boundary).
    const withFailed = (await counters()).filter((c) => c.fields[THROUGHPUT.failed] === '1');
    expect(withFailed).toHaveLength(1);
    expect(withFailed[0].ttl).toBeGreaterThan(0);
  });
});
