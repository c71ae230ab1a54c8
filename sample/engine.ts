import { Redis } from 'ioredis';
import type { SampleEngine } from './app.module.js';

/** Where the sample looks for Redis. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Redis if one answers at REDIS_URL within a second, else the in-memory
 * engine, with the line that says which (the first line the sample prints).
 */
export async function chooseEngine(): Promise<{ engine: SampleEngine; line: string }> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 1_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  // The socket's own error (ECONNREFUSED, ...) says more than the rejection ("Connection is closed").
  let socketError: string | null = null;
  redis.on('error', (error: Error) => (socketError ??= error.message));
  try {
    await redis.connect();
    await redis.ping();
    const prefix = `sample-${process.pid}`;
    return { engine: { kind: 'redis', url: REDIS_URL, prefix }, line: `Running on Redis at ${REDIS_URL} (prefix '${prefix}'); set REDIS_URL to use another.` };
  } catch (error) {
    const reason = socketError ?? (error instanceof Error ? error.message : String(error));
    return {
      engine: { kind: 'memory' },
      line:
        `No Redis answered at ${REDIS_URL} (${reason}): running on the in-memory engine (TaskModule.forTesting, inline mode, real timers). ` +
        'To run on Redis, start one there (redis-server, or docker run -p 6379:6379 redis:7) or set REDIS_URL=redis://host:port.',
    };
  } finally {
    redis.disconnect();
  }
}

/** How the summary names the engine. */
export function engineLabel(engine: SampleEngine): string {
  return engine.kind === 'redis' ? `Redis at ${engine.url}` : 'in-memory (no Redis: TaskModule.forTesting, inline mode, real timers)';
}

/** Leaves Redis as it was: deletes this run's keys. Nothing to do in memory. */
export async function removeSampleKeys(engine: SampleEngine): Promise<void> {
  if (engine.kind !== 'redis') return;
  const redis = new Redis(engine.url);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `{${engine.prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
  await redis.quit();
}
