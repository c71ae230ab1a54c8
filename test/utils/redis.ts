import { Cluster, Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import type { RedisConnection } from '../../lib/index.js';

/** The Redis the e2e tests use. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The nodes of the Redis Cluster `npm run test:cluster` started ('host:port', ...), or null on a single Redis. */
export const CLUSTER_NODES: string[] | null = process.env.REDIS_CLUSTER_NODES ? process.env.REDIS_CLUSTER_NODES.split(',') : null;

/** The `connection` setting of the test apps: the cluster shape under `npm run test:cluster`, else REDIS_URL. */
export const TEST_CONNECTION: RedisConnection = CLUSTER_NODES ? { cluster: CLUSTER_NODES.map((node) => `redis://${node}`) } : REDIS_URL;

/** A key prefix no other test (or test run) uses. */
export function uniquePrefix(label: string): string {
  return `test-${label}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/**
 * A plain client for inspecting Redis from a test. Close it with `quit()`. On
 * the test cluster it is a Cluster client (typed as Redis: the key commands the
 * specs send are the same, and each goes to the node of its key).
 */
export function inspector(): Redis {
  if (CLUSTER_NODES) {
    const nodes = CLUSTER_NODES.map((node) => ({ host: node.split(':')[0], port: Number(node.split(':')[1]) }));
    return new Cluster(nodes, { redisOptions: { maxRetriesPerRequest: 1 } }) as unknown as Redis;
  }
  return new Redis(REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 1 });
}

async function scanNode(node: Redis, pattern: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    found.push(...keys);
  } while (cursor !== '0');
  return found;
}

/** Every key under a prefix (all queues); on a cluster, every master is scanned. */
export function keysOf(redis: Redis, prefix: string): Promise<string[]> {
  return scanKeys(redis, `{${prefix}:*`);
}

/**
 * The keys under a prefix that a task operation writes: the live workers' own
 * heartbeat keys (their records, the directory, the registry of queue names
 * and the handler names they advertise, which a worker writes whatever the
 * tasks do) are left out.
 */
export async function taskKeysOf(redis: Redis, prefix: string): Promise<string[]> {
  const heartbeat = new RegExp(`^\\{${prefix}:\\}:(workers|queues|w:.+)$|\\}:hn$`);
  return (await keysOf(redis, prefix)).filter((key) => !heartbeat.test(key));
}

/** Every key matching a SCAN pattern; on a cluster, every master is scanned. */
export async function scanKeys(redis: Redis, pattern: string): Promise<string[]> {
  if ((redis as unknown as Cluster).isCluster) {
    const cluster = redis as unknown as Cluster;
    // The slot map (and so the list of masters) is known once the client is ready.
    if (cluster.status !== 'ready') await new Promise((resolve) => cluster.once('ready', resolve));
    const masters = cluster.nodes('master');
    return (await Promise.all(masters.map((node) => scanNode(node, pattern)))).flat();
  }
  return scanNode(redis, pattern);
}

/** Every key under a prefix, read with a client of its own (opened and closed here). */
export async function prefixKeys(prefix: string): Promise<string[]> {
  const redis = inspector();
  try {
    return await keysOf(redis, prefix);
  } finally {
    await redis.quit();
  }
}

/** Deletes every key under a prefix; on a cluster, in batches of one hash tag (one slot) each. */
export async function removePrefix(prefix: string): Promise<void> {
  const redis = inspector();
  try {
    const keys = await keysOf(redis, prefix);
    const byTag = new Map<string, string[]>();
    for (const key of keys) {
      const tag = /^\{[^}]*\}/.exec(key)?.[0] ?? key;
      const group = byTag.get(tag);
      if (group) group.push(key);
      else byTag.set(tag, [key]);
    }
    for (const group of byTag.values()) {
      for (let i = 0; i < group.length; i += 500) await redis.del(...group.slice(i, i + 500));
    }
  } finally {
    await redis.quit();
  }
}

/** Calls of each command so far on a server, from INFO commandstats (commands inside scripts included). */
export async function commandCalls(admin: Redis): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const match of (await admin.info('commandstats')).matchAll(/cmdstat_(\w+):calls=(\d+)/g)) counts[match[1]] = Number(match[2]);
  return counts;
}
