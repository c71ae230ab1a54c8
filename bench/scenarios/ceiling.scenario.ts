import { Redis } from 'ioredis';
import { runInFlight } from './scenario-kit.js';
import type { BaseParams, Metrics } from './scenario-types.js';

/**
 * What this Redis does at all: a trivial script (`return 1`, one key) by
 * EVALSHA from one ioredis connection, one call per round trip, 50 calls in
 * flight, or pipelined in batches.
 */
export type CeilingMode = 'serial' | 'in-flight' | 'pipelined';

export async function ceiling(p: BaseParams & { mode: CeilingMode; count: number; inFlight: number; batch: number }): Promise<Metrics> {
  const redis = new Redis(p.redisUrl);
  try {
    const sha = String(await redis.script('LOAD', 'return 1'));
    const key = `${p.prefix}:ceiling`;
    const call = () => redis.evalsha(sha, 1, key);
    const run = async (count: number) => {
      if (p.mode === 'serial') for (let i = 0; i < count; i++) await call();
      else if (p.mode === 'in-flight') await runInFlight(p.inFlight, count, call);
      else {
        for (let done = 0; done < count; done += p.batch) {
          const pipeline = redis.pipeline();
          for (let i = 0; i < Math.min(p.batch, count - done); i++) pipeline.evalsha(sha, 1, key);
          await pipeline.exec();
        }
      }
    };
    await run(Math.min(p.count, 2_000));
    const started = process.hrtime.bigint();
    await run(p.count);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return { callsPerSec: p.count / seconds };
  } finally {
    redis.disconnect();
  }
}
