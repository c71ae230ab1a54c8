import type { Cluster, Redis } from 'ioredis';

/** A client of either kind: everything the engines send works on both. */
export type RedisClient = Redis | Cluster;

/** Whether the client is a Redis Cluster client (its pipelines must stay within one slot's node). */
export function isClusterClient(client: RedisClient): client is Cluster {
  return (client as { isCluster?: boolean }).isCluster === true;
}

/**
 * The servers that hold the data, each with a connection of its own: every
 * master of a Cluster (named host:port), or the one server (named `target`).
 */
export function dataServers(client: RedisClient, target: string): Array<{ where: string; node: Redis }> {
  return isClusterClient(client)
    ? client.nodes('master').map((node) => ({ where: `${node.options.host}:${node.options.port}`, node }))
    : [{ where: target, node: client }];
}
