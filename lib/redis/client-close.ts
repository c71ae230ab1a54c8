import type { RedisClient } from './redis-client.js';

/** The parts of ioredis' clients that hold commands not yet answered (not in its typings). */
interface QueueingClient {
  flushQueue?(error: Error): void;
  prevCommandQueue?: Array<{ command: { reject(error: Error): void } }> | null;
}

/**
 * Disconnects at once and fails every command still waiting on the client.
 * ioredis fails a connection's commands in its close handler; a client
 * between reconnect attempts (Redis down) has run that handler already, so
 * disconnect() only cancels the next attempt, and the commands queued since
 * (a worker's fetch behind its BZPOPMIN, QUIT itself) would wait for good,
 * and with them a shutdown that awaits them.
 */
export function disconnectNow(client: RedisClient): void {
  const stuck = client.status === 'reconnecting';
  client.disconnect();
  if (!stuck) return;
  const error = new Error('Connection is closed.');
  (client as unknown as QueueingClient).flushQueue?.(error);
  failStash(client, error);
}

/**
 * Fails the commands ioredis keeps from a connection that closed, to send
 * them again once a reconnect succeeds (its prevCommandQueue): nothing else
 * settles them while reconnects fail (redis/ioredis#2193 and #2197).
 */
export function failStash(client: RedisClient, error: Error): void {
  const stash = (client as unknown as QueueingClient).prevCommandQueue;
  while (stash && stash.length > 0) stash.shift()!.command.reject(error);
}
