import type { ClusterOptions, RedisOptions } from './connection-options.js';
import type { OptionKeys } from './option-checks.js';

// Every option name ioredis knows, so a typo (or an option of another client,
// like `clusterNodes`) in `connection` is refused instead of ignored. Written as
// `satisfies OptionKeys<...>`: the compiler points here when ioredis adds or drops one.

/** The keys of ioredis `RedisOptions` (standalone, Sentinel and shared options). */
export const REDIS_OPTION_KEYS = {
  Connector: true, retryStrategy: true, commandTimeout: true, blockingTimeout: true, blockingTimeoutGrace: true, socketTimeout: true,
  keepAlive: true, noDelay: true, connectionName: true, disableClientInfo: true, clientInfoTag: true, username: true, password: true,
  db: true, autoResubscribe: true, autoResendUnfulfilledCommands: true, reconnectOnError: true, readOnly: true, stringNumbers: true,
  connectTimeout: true, monitor: true, maxRetriesPerRequest: true, maxLoadingRetryTime: true, enableAutoPipelining: true,
  autoPipeliningIgnoredCommands: true, offlineQueue: true, commandQueue: true, enableOfflineQueue: true, enableReadyCheck: true,
  lazyConnect: true, scripts: true, keyPrefix: true, showFriendlyErrorStack: true,
  // Sentinel
  name: true, role: true, tls: true, sentinelUsername: true, sentinelPassword: true, sentinels: true, sentinelRetryStrategy: true,
  sentinelReconnectStrategy: true, preferredSlaves: true, disconnectTimeout: true, sentinelCommandTimeout: true,
  enableTLSForSentinelMode: true, sentinelTLS: true, natMap: true, updateSentinels: true, sentinelMaxConnections: true,
  failoverDetector: true,
  // Standalone
  port: true, host: true, family: true, path: true,
} as const satisfies OptionKeys<RedisOptions>;

/** The keys of ioredis `ClusterOptions`. */
export const CLUSTER_OPTION_KEYS = {
  clusterRetryStrategy: true, enableOfflineQueue: true, enableReadyCheck: true, scaleReads: true, maxRedirections: true,
  retryDelayOnFailover: true, retryDelayOnClusterDown: true, retryDelayOnTryAgain: true, retryDelayOnMoved: true,
  slotsRefreshTimeout: true, slotsRefreshInterval: true, shardedSubscribers: true, clusterNodeRetryStrategy: true, redisOptions: true,
  lazyConnect: true, useSRVRecords: true, resolveSrv: true, dnsLookup: true, natMap: true, enableAutoPipelining: true,
  autoPipeliningIgnoredCommands: true, scripts: true, keyPrefix: true, showFriendlyErrorStack: true,
} as const satisfies OptionKeys<ClusterOptions>;
