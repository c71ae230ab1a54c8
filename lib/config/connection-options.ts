import type { RedisOptions } from 'ioredis';

/** A connection setting: a URL, ioredis options, or both (`{ url, ...options }`, e.g. TLS settings for a rediss:// URL). */
export type RedisConnection = string | (RedisOptions & { url?: string });
