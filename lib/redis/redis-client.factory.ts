import { Redis, type RedisOptions } from 'ioredis';

/** What a connection is used for; blocking and subscriber connections must never give up on a command. */
export type ConnectionRole = 'command' | 'blocking' | 'subscriber';

/**
 * A lazily connecting ioredis client for one role. The command connection
 * fails a command after a few reconnect attempts so callers get an error
 * instead of hanging while Redis is down; the others wait for Redis to return.
 */
export function createRedisClient(connection: string | RedisOptions, role: ConnectionRole, connectTimeoutMs: number): Redis {
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
  return typeof connection === 'string'
    ? new Redis(connection, { ...ours, ...forced })
    : new Redis({ ...ours, ...connection, ...forced });
}
