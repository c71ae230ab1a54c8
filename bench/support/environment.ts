import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';

/** The machine and versions a run was made on, for the table's heading and RESULTS.md. */
export interface Environment {
  node: string;
  cores: number;
  cpu: string;
  redis: string;
  versions: { ours: string; bullmq: string; bee: string; ioredis: string };
  /** The commit ours was built from. */
  revision: string;
}

export async function describeEnvironment(redis: Redis, { root, revision }: { root: string; revision: string }): Promise<Environment> {
  type Lock = { version?: string; packages?: Record<string, { version?: string }> };
  const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Lock;
  const lock = read(join(root, 'package-lock.json'));
  // The libraries compared against are the benchmark's own dependencies (bench/package-lock.json).
  const benchLock = read(join(root, 'bench', 'package-lock.json'));
  const version = (from: Lock, name: string) => from.packages?.[`node_modules/${name}`]?.version ?? '?';
  const info = await redis.info('server');
  return {
    node: process.version,
    cores: cpus().length,
    cpu: cpus()[0]?.model.trim() ?? '?',
    redis: /^redis_version:(\S+)/m.exec(info)?.[1] ?? '?',
    versions: { ours: lock.version ?? '?', bullmq: version(benchLock, 'bullmq'), bee: version(benchLock, 'bee-queue'), ioredis: version(lock, 'ioredis') },
    revision,
  };
}

export function environmentLine(env: Environment, redisUrl: string): string {
  const safeUrl = redisUrl.replace(/\/\/[^@/]*@/, '//***@');
  return (
    `nestjs-redis-tasks ${env.versions.ours} (${env.revision}) vs BullMQ ${env.versions.bullmq} vs bee-queue ${env.versions.bee}; ` +
    `Redis ${env.redis} at ${safeUrl}; Node ${env.node}; ${env.cores} cores (${env.cpu})`
  );
}
