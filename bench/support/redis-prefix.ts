import { Redis } from 'ioredis';

/**
 * Deletes the keys of one bench run, and nothing else: the Redis is shared, so
 * never FLUSHALL/FLUSHDB. BullMQ and bee-queue keys are `<prefix>:<queue>:*`,
 * ours `{<prefix>:<queue>}:*`; each run has its own prefix.
 */
export async function deletePrefix(redis: Redis, prefix: string): Promise<number> {
  let deleted = 0;
  for (const pattern of [`${prefix}:*`, `{${prefix}:*`]) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 5_000);
      cursor = next;
      for (let i = 0; i < keys.length; i += 1_000) deleted += await redis.unlink(...keys.slice(i, i + 1_000));
    } while (cursor !== '0');
  }
  return deleted;
}

/** Every key of one bench run (for the memory cross-check). */
export async function keysOfPrefix(redis: Redis, prefix: string): Promise<string[]> {
  const found: string[] = [];
  for (const pattern of [`${prefix}:*`, `{${prefix}:*`]) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 5_000);
      cursor = next;
      found.push(...keys);
    } while (cursor !== '0');
  }
  return found;
}

/** One numeric field of INFO (e.g. `used_memory`). */
export async function infoNumber(redis: Redis, section: string, field: string): Promise<number> {
  const text = await redis.info(section);
  const match = new RegExp(`^${field}:(\\d+)`, 'm').exec(text);
  if (!match) throw new Error(`INFO ${section} has no ${field}`);
  return Number(match[1]);
}

/** Sum of `calls` over INFO commandstats: every command Redis ran, scripts' inner commands included. */
export async function commandstatsCalls(redis: Redis): Promise<number> {
  const text = await redis.info('commandstats');
  let sum = 0;
  for (const match of text.matchAll(/^cmdstat_[^:]+:calls=(\d+)/gm)) sum += Number(match[1]);
  return sum;
}
