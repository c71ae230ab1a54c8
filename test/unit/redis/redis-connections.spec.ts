import { resolveTaskOptions } from '../../../lib/config/options.resolver.js';
import { RedisConnections } from '../../../lib/redis/redis-connections.js';

// What RedisConnections shows of an ioredis error: credentials scrubbed, and
// none of ioredis' own retry bookkeeping, which says nothing of what failed.
// Nothing connects here: the clients are lazy and closed unused.

describe('RedisConnections.safeMessage', () => {
  const PASSWORD = 'S3cret-never-shown';
  let connections: RedisConnections;

  beforeAll(() => {
    connections = new RedisConnections(resolveTaskOptions({ connection: `redis://app:${PASSWORD}@127.0.0.1:1`, prefix: 'safe-message' }));
  });
  afterAll(async () => {
    await connections.onApplicationShutdown();
  });

  it("leaves out the Sentinel client's retry schedule, keeping the error it retries after", () => {
    expect(connections.safeMessage(new Error('All sentinels are unreachable. Retrying from scratch after 200ms. Last error: Connection is closed.'))).toBe(
      'All sentinels are unreachable. Last error: Connection is closed.',
    );
  });

  it("leaves out ioredis' advice about an option the library sets itself", () => {
    expect(connections.safeMessage(new Error('Reached the max retries per request limit (which is 3). Refer to "maxRetriesPerRequest" option for details.'))).toBe(
      'Reached the max retries per request limit (which is 3).',
    );
  });

  it('never shows the password', () => {
    expect(connections.safeMessage(new Error(`WRONGPASS for ${PASSWORD}`))).not.toContain(PASSWORD);
  });
});
