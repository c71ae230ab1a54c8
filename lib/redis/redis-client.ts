import type { Cluster, Redis } from 'ioredis';

/** A client of either kind: everything the engines send works on both. */
export type RedisClient = Redis | Cluster;

/** Whether the client is a Redis Cluster client (its pipelines must stay within one slot's node). */
export function isClusterClient(client: RedisClient): client is Cluster {
  return (client as { isCluster?: boolean }).isCluster === true;
}
