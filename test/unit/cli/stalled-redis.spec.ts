import { connectionOf, redisOf, type SessionSettings } from '../../../lib/cli/cli-connection.js';
import { CommandFailure } from '../../../lib/cli/cli-errors.js';
import { stallFailure } from '../../../lib/cli/stalled-redis.js';
import { RedisUnavailableError } from '../../../lib/index.js';

// The tool's bound on each Redis call: the connection it gives TaskModule, and
// the one-line failure it makes of a call Redis left unanswered (the stalled
// Redis itself is in test/e2e/cli-stalled-redis.spec.ts).

const SETTINGS: SessionSettings = { url: 'redis://ops:hunter2@10.0.0.5:6380/2', prefix: 'tasks', cluster: false, timeoutMs: 2_500, readsOnly: false };

describe('nestjs-redis-tasks --timeout', () => {
  it('puts ioredis commandTimeout beside the URL, on every node of a Cluster too', () => {
    expect(connectionOf(SETTINGS)).toEqual({ url: SETTINGS.url, commandTimeout: 2_500 });
    expect(connectionOf({ ...SETTINGS, cluster: true })).toEqual({ cluster: [SETTINGS.url], clusterOptions: { redisOptions: { commandTimeout: 2_500 } } });
  });

  it('names where Redis is, never the user or password', () => {
    expect(redisOf(SETTINGS)).toBe('Redis at 10.0.0.5:6380');
    expect(redisOf({ ...SETTINGS, url: 'redis://10.0.0.7:7000', cluster: true })).toBe('Redis Cluster via 10.0.0.7:7000');
  });

  it('makes a call left unanswered, however the library wrapped it, a failure naming the wait; other errors stay as they are', () => {
    const wrapped = new RedisUnavailableError('counts failed: Redis at 10.0.0.5:6380 is unreachable (Command timed out)', { cause: new Error('Command timed out') });
    const read = stallFailure(wrapped, SETTINGS, false);
    expect(read).toBeInstanceOf(CommandFailure);
    expect(read?.message).toBe(
      'Redis at 10.0.0.5:6380 did not answer within 2500 ms (is it stalled or overloaded?); --timeout <ms> sets how long to wait for each Redis call',
    );
    expect(stallFailure(new Error('Command timed out'), SETTINGS, true)?.message).toContain(
      'within 2500 ms (is it stalled or overloaded?); a change already sent may still be made once it answers: check before running the command again;',
    );
    expect(stallFailure(new RedisUnavailableError('counts failed: Redis at x is unreachable (connect ECONNREFUSED)'), SETTINGS, false)).toBeNull();
    expect(stallFailure('Command timed out', SETTINGS, false)).toBeNull();
  });
});
