import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';

/** The Redis the e2e tests use. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix no other test (or test run) uses. */
export function uniquePrefix(label: string): string {
  return `test-${label}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/** A plain client for inspecting Redis from a test. Close it with `quit()`. */
export function inspector(): Redis {
  return new Redis(REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 1 });
}

/** Every key under a prefix (all queues). */
export async function keysOf(redis: Redis, prefix: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `{${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    found.push(...keys);
  } while (cursor !== '0');
  return found;
}

/** Deletes every key under a prefix. */
export async function removePrefix(prefix: string): Promise<void> {
  const redis = inspector();
  try {
    const keys = await keysOf(redis, prefix);
    for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
  } finally {
    await redis.quit();
  }
}
