import { Redis, type RedisOptions } from 'ioredis';
import type { RedisConnection } from '../config/connection-options.js';

/** What a connection is used for; blocking and subscriber connections must never give up on a command. */
export type ConnectionRole = 'command' | 'blocking' | 'subscriber';

/**
 * A lazily connecting ioredis client for one role. The command connection
 * fails a command after a few reconnect attempts so callers get an error
 * instead of hanging while Redis is down; the others wait for Redis to return.
 */
export function createRedisClient(connection: RedisConnection, role: ConnectionRole, connectTimeoutMs: number): Redis {
  const ours: RedisOptions = {
    lazyConnect: true,
    connectTimeout: Math.min(connectTimeoutMs, 10_000),
    retryStrategy: (times: number) => Math.min(100 * times, 2_000),
  };
  const forced: RedisOptions = {
    lazyConnect: true,
    // ioredis waits this long for a socket to close after disconnect(); a
    // socket that never opened never closes, so the default 2 s kept a failed
    // app's process alive.
    disconnectTimeout: 200,
    maxRetriesPerRequest: role === 'command' ? 3 : null,
  };
  if (typeof connection === 'string') return new Redis(connection, { ...ours, ...forced });
  const { url, ...options } = connection;
  return url ? new Redis(url, { ...ours, ...options, ...forced }) : new Redis({ ...ours, ...options, ...forced });
}
