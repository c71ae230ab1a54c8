import { Redis } from 'ioredis';
import { RedisUnavailableError } from '../../lib/index.js';
import { bootOutcome } from '../fixtures/boot-outcome.js';
import { ownRedis, type OwnRedis } from '../fixtures/child-processes.js';

// A Redis at its maxclients limit writes its error to a new connection and
// closes it: the client mostly sees only the broken socket (EPIPE or
// ECONNRESET), which read as a TLS mistake alone. The message names both.

describe('connecting to a Redis at its maxclients limit', () => {
  let redis: OwnRedis;
  let holder: Redis;

  beforeAll(async () => {
    redis = await ownRedis(['--maxclients', '1']);
    await redis.start();
    holder = new Redis(redis.url);
    await holder.ping();
  });

  afterAll(async () => {
    holder?.disconnect();
    await redis?.destroy();
  });

  it('says Redis closed the connection, naming the maxclients limit beside TLS', async () => {
    const { error } = await bootOutcome(redis.url, 'maxclients', 1_500);
    expect(error).toBeInstanceOf(RedisUnavailableError);
    expect((error as Error).message).toMatch(/max number of clients reached|may have reached its maxclients limit \(INFO clients\)$/);
  });
});
