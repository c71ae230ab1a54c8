import type { RedisConnection } from '../config/connection-options.js';
import { resolveConnection } from '../config/connection.resolver.js';

/** Where and how the tool connects: `--url`, `--cluster`, `--prefix` and `--timeout` after defaults. */
export interface SessionSettings {
  url: string;
  /** Where the URL came from, for advice about it: the flag, the environment, or neither (the default URL). */
  urlFrom?: '--url' | 'REDIS_URL';
  prefix: string;
  /** The URL names a node of a Redis Cluster. */
  cluster: boolean;
  /** How long one Redis call may go unanswered before the command fails (`--timeout`). */
  timeoutMs: number;
  /** The command changes nothing: a replica may answer it. */
  readsOnly: boolean;
}

/** The `--timeout` default: far above any one call of the library (a bulk step takes a few ms), far below a person's patience. */
export const CLI_COMMAND_TIMEOUT_MS = 10_000;

/**
 * What `--timeout` accepts, in ms. From 100: `--timeout 10` meant as seconds
 * is refused rather than failing every command on a healthy Redis.
 */
export const CLI_TIMEOUT_RANGE_MS = { min: 100, max: 600_000 } as const;

/**
 * The `connection` the tool gives TaskModule: the URL, with ioredis'
 * `commandTimeout` on every call. The connect timeout covers only connecting,
 * and a dropped connection fails its calls after a few reconnects, but a Redis
 * that keeps the connection and stops answering (a stopped process, a host
 * swapping, a frozen VM) would otherwise be waited for without limit. Each
 * call is bounded, not the command: a long drain or retry is many short calls.
 */
export function connectionOf(settings: SessionSettings): RedisConnection {
  const commandTimeout = settings.timeoutMs;
  return settings.cluster ? { cluster: [settings.url], clusterOptions: { redisOptions: { commandTimeout } } } : { url: settings.url, commandTimeout };
}

/** "Redis at host:port", or "Redis Cluster via host:port, ...", as the library names the connection: never credentials. */
export function redisOf(settings: SessionSettings): string {
  const { target } = resolveConnection(connectionOf(settings));
  return target.startsWith('Redis ') ? target : `Redis at ${target}`;
}
