import type { ChainableCommander } from 'ioredis';
import { redactRedisError, redacted } from './redact-error.js';
import { isClusterClient, type RedisClient } from './redis-client.js';

/**
 * Sends one command per item, in one round trip, and returns the replies in
 * item order (throwing the first error). On a single Redis it is one
 * pipeline; on a Cluster, whose pipelines must stay on one node, one pipeline
 * per group (`groupOf`: the queue, i.e. the hash tag, of the item), all sent
 * at once, so the wall time is still one round trip.
 */
export async function pipelineGrouped<T>(
  client: RedisClient,
  items: readonly T[],
  groupOf: (item: T) => string,
  queue: (pipeline: ChainableCommander, item: T) => void,
): Promise<unknown[]> {
  if (items.length === 0) return [];
  const groups = new Map<string, number[]>();
  const cluster = isClusterClient(client);
  items.forEach((item, index) => {
    const key = cluster ? groupOf(item) : '';
    const group = groups.get(key);
    if (group) group.push(index);
    else groups.set(key, [index]);
  });
  const replies: unknown[] = new Array(items.length);
  await Promise.all(
    [...groups.values()].map(async (indexes) => {
      const pipeline = client.pipeline();
      for (const i of indexes) queue(pipeline, items[i]);
      const results = (await redacted(pipeline.exec())) ?? [];
      results.forEach(([error, reply], k) => {
        if (error) throw redactRedisError(error);
        replies[indexes[k]] = reply;
      });
    }),
  );
  return replies;
}
