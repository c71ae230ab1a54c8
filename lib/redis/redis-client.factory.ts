import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { ResolvedConnection } from '../config/connection-options.js';
import { failStash } from './client-close.js';
import type { RedisClient } from './redis-client.js';

/** What a connection is used for; blocking and subscriber connections must never give up on a command. */
export type ConnectionRole = 'command' | 'blocking' | 'subscriber';

/**
 * A lazily connecting ioredis client for one role, of the kind the setting
 * names. The command connection fails a command after a few reconnect attempts
 * so callers get an error instead of hanging while Redis is down; the others
 * wait for Redis to return. An app-owned instance is duplicated, never used itself.
 */
export function createRedisClient(connection: ResolvedConnection, role: ConnectionRole, connectTimeoutMs: number): RedisClient {
  const client = newClient(connection, role, connectTimeoutMs);
  if (role === 'command' && client instanceof Redis) failStashedCommandsWithTheRest(client, COMMAND_MAX_RETRIES);
  return client;
}

/** Reconnect attempts a command on the command connection waits through before it fails. */
const COMMAND_MAX_RETRIES = 3;

function newClient(connection: ResolvedConnection, role: ConnectionRole, connectTimeoutMs: number): RedisClient {
  const ours: RedisOptions = {
    connectTimeout: Math.min(connectTimeoutMs, 10_000),
    // A command on the command connection fails after COMMAND_MAX_RETRIES reconnect attempts, so their
    // spacing is how long an enqueue waits in an outage before it rejects: at most 500 ms apart, one to two
    // seconds in all (with 2 s apart, an enqueue issued well into an outage waited 6-7 s). The other
    // connections only wait for Redis to return, and try less often.
    retryStrategy: role === 'command' ? (times: number) => Math.min(100 * times, 500) : (times: number) => Math.min(100 * times, 2_000),
  };
  const forced: RedisOptions = {
    lazyConnect: true,
    // ioredis waits this long for a socket to close after disconnect(); a
    // socket that never opened never closes, so the default 2 s kept a failed
    // app's process alive.
    disconnectTimeout: 200,
    maxRetriesPerRequest: role === 'command' ? COMMAND_MAX_RETRIES : null,
    // A blocking connection's commands wait by design (a worker's fetch waits behind its BZPOPMIN): a
    // client-side timeout would drop a reply Redis still sends, with the tasks it leased.
    ...(role === 'command' ? {} : { commandTimeout: undefined }),
  };
  switch (connection.kind) {
    case 'single':
      return new Redis({ ...ours, ...connection.options, ...forced });
    case 'sentinel':
      // After a failover the old master is a replica: a write it refuses with READONLY
      // makes the client reconnect (asking the sentinels for the new master) and resend it.
      // failoverDetector: the sentinels announce a switch (+switch-master) and the client leaves the old master
      // at once. Without it, a SENTINEL FAILOVER left the app writing to the old master until the sentinels
      // demoted it (up to their 10 s INFO period), and its resync from the new master dropped those writes:
      // 961 acknowledged tasks at 80 enqueues/s; about 1 s of them with it. `durability` closes the rest.
      return new Redis({
        ...ours,
        failoverDetector: true,
        reconnectOnError: (error) => (/^READONLY\b/.test(error.message) ? 2 : false),
        ...connection.options,
        ...forced,
      });
    case 'cluster':
      return new Cluster(connection.nodes, clusterOptions(connection.clusterOptions, ours, forced));
    case 'instance': {
      const { client } = connection;
      if (client instanceof Cluster) return client.duplicate(undefined, clusterOptions(client.options, {}, forced));
      if (client instanceof Redis) return client.duplicate(forced);
      // Made by another copy of ioredis (another major version): a client of that copy cannot send this
      // copy's commands (ioredis 6 fails them with "command.setReplyContext is not a function"), so ours
      // are made from its options, as its duplicate() would make its own.
      if (connection.cluster) {
        const { startupNodes, options } = client as unknown as { startupNodes: ConstructorParameters<typeof Cluster>[0]; options: ClusterOptions };
        return new Cluster(startupNodes, clusterOptions(options, {}, forced));
      }
      return new Redis({ ...(client.options as RedisOptions), ...forced });
    }
  }
}

/**
 * Cluster options with ours applied to the node connections: the user's win
 * over our defaults, and what the roles need wins over both. Reconnection is
 * the Cluster client's own (clusterRetryStrategy), not a node's retryStrategy.
 */
function clusterOptions(user: ClusterOptions, defaults: RedisOptions, forced: RedisOptions): ClusterOptions {
  const { retryStrategy: _notPerNode, ...nodeDefaults } = defaults;
  return {
    ...user,
    lazyConnect: true,
    // Slot moves and failovers are followed: MOVED/ASK redirect, TRYAGAIN and CLUSTERDOWN are retried.
    retryDelayOnTryAgain: user.retryDelayOnTryAgain ?? 100,
    retryDelayOnClusterDown: user.retryDelayOnClusterDown ?? 100,
    // ioredis' 16 redirections ran out while a slot moved in batches of keys with pauses between them
    // (redis-cli --cluster reshard on a loaded node). Each 100 ms TRYAGAIN cycle spends one to three of
    // them (ioredis retries at a random node: MOVED there, ASK from the source, TRYAGAIN from the
    // target), so 64 carry a call over about 2 to 6 s of a half-moved slot (measured: 3.5 to 4.5 s).
    // A retried call is only ever the one command that was refused.
    maxRedirections: user.maxRedirections ?? 64,
    // The slot map is read again every 5 s (ioredis documents 5 s but sets none, so it is read only on a
    // redirection or an error). A master that hangs rather than dies answers nothing, redirects nothing and
    // errs nothing: the app waited on it after its replica was promoted, until it came back (115 s seen).
    slotsRefreshInterval: user.slotsRefreshInterval ?? 5_000,
    redisOptions: { ...nodeDefaults, ...user.redisOptions, ...forced },
  };
}

/**
 * ioredis keeps the commands written just before a connection closed (its
 * prevCommandQueue) to send them again once a reconnect succeeds, and while
 * reconnects keep failing (Redis down, a changed password) nothing settles
 * them: the maxRetriesPerRequest limit fails only the commands of its other
 * queues (redis/ioredis#2193 and #2197 describe the stash). Such a call would
 * wait until Redis took the connection again, where a command on the command
 * connection must fail after a few attempts: these fail with the rest, at the
 * same attempt, and when the client gives up for good.
 */
function failStashedCommandsWithTheRest(client: Redis, maxRetries: number): void {
  let attempts = 0;
  const failStashed = (message: string) => failStash(client, new Error(message));
  client.on('ready', () => (attempts = 0));
  client.on('reconnecting', () => {
    attempts += 1;
    if (attempts % (maxRetries + 1) === 0) failStashed(`the connection was lost and ${attempts} reconnect attempts failed`);
  });
  client.on('end', () => failStashed('the connection was closed'));
}
