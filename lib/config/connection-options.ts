import type { Cluster, ClusterOptions, Redis, RedisOptions } from 'ioredis';

// The shapes `connection` accepts, and their resolved form. The only file of
// config/ that names ioredis, for its option types (see .dependency-cruiser.cjs).

/** ioredis' option types, re-exported for the shapes below. */
export type { ClusterOptions, RedisOptions };

/** A Redis Cluster node to start from: a `redis://` / `rediss://` URL, or a host and port. */
export type ClusterNodeAddress = string | { host: string; port: number };

/** Redis Cluster: some of its nodes (the client finds the rest) and ioredis Cluster options. */
export interface ClusterConnection {
  cluster: ClusterNodeAddress[];
  /** ioredis `ClusterOptions`; credentials and TLS go in `clusterOptions.redisOptions`. */
  clusterOptions?: ClusterOptions;
}

/** Redis Sentinel: the sentinels to ask, the master's name, and ioredis options for the connections. */
export type SentinelConnection = RedisOptions & { sentinels: Array<{ host: string; port: number }>; name: string };

/**
 * An ioredis `Redis` or `Cluster` made by another copy of ioredis than the
 * library's (ioredis 6, say): its commands cannot carry the library's, so the
 * library opens clients of its own from its options (and a Cluster's startup nodes).
 */
export interface OtherIoredisClient {
  readonly options: object;
  readonly status: string;
  readonly isCluster: boolean;
  duplicate(...args: never[]): unknown;
  defineCommand(...args: never[]): unknown;
}

/**
 * A connection setting (the table in the README lists them): a URL; ioredis
 * options, alone or as `{ url, ...options }`; Sentinel; Cluster; or an ioredis
 * `Redis` or `Cluster` instance the app owns (the library duplicates it, or
 * copies its options when another ioredis made it, and never closes it).
 */
export type RedisConnection = string | (RedisOptions & { url?: string }) | SentinelConnection | ClusterConnection | Redis | Cluster | OtherIoredisClient;

/** Where a resolved connection points, for messages: never credentials. */
interface Described {
  /** "host:port", "Sentinel master 'm' via a:1, b:2", "Redis Cluster via a:1, b:2", ... */
  target: string;
  /** Every credential the setting carries, to scrub from any text that might echo it. */
  secrets: string[];
}

/** A connection setting after validation: one of four kinds. */
export type ResolvedConnection = Described &
  (
    | { kind: 'single'; options: RedisOptions }
    | { kind: 'sentinel'; options: RedisOptions }
    | { kind: 'cluster'; nodes: Array<{ host: string; port: number }>; clusterOptions: ClusterOptions }
    | { kind: 'instance'; client: Redis | Cluster | OtherIoredisClient; cluster: boolean }
  );
