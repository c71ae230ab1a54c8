import type { Redis } from 'ioredis';
import { resolveTaskOptions } from '../../lib/config/options.resolver.js';
import type { TaskModuleOptions } from '../../lib/config/task-module-options.interface.js';
import { RedisConnections } from '../../lib/redis/redis-connections.js';
import { RedisTaskEngine } from '../../lib/redis/redis-task-engine.js';
import { TEST_CONNECTION, inspector, removePrefix, uniquePrefix } from './redis.js';

/** A Redis engine under a prefix of its own, with no Nest app, and a plain client to look at its keys. */
export interface EngineUnderPrefix {
  prefix: string;
  engine: RedisTaskEngine;
  redis: Redis;
}

/**
 * Registers a beforeEach that opens a RedisTaskEngine (module options but the
 * connection and prefix from `settings`) and an afterEach that closes it and
 * deletes its prefix; returns the current one.
 */
export function useRedisEngine(label: string, settings: Omit<TaskModuleOptions, 'connection' | 'prefix'> = {}): () => EngineUnderPrefix {
  let current: (EngineUnderPrefix & { connections: RedisConnections }) | null = null;
  beforeEach(async () => {
    const prefix = uniquePrefix(label);
    const options = resolveTaskOptions({ connection: TEST_CONNECTION, prefix, ...settings });
    const connections = new RedisConnections(options);
    await connections.onApplicationBootstrap();
    current = { prefix, connections, engine: new RedisTaskEngine(connections, options), redis: inspector() };
  });
  afterEach(async () => {
    if (!current) return;
    const { connections, prefix, redis } = current;
    current = null;
    await connections.onApplicationShutdown();
    await removePrefix(prefix);
    await redis.quit();
  });
  return () => {
    if (!current) throw new Error('useRedisEngine: no engine outside a test');
    return current;
  };
}
