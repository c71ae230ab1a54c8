import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { RedisUnavailableError, type RedisConnection } from '../../lib/index.js';
import { freePort, type OwnRedis } from '../fixtures/child-processes.js';
import { passwordRedis } from '../fixtures/password-redis.js';
import { bootOutcome } from '../fixtures/boot-outcome.js';
import { sleep } from '../utils/wait.js';

// How a failed connect reads, whatever the shape of the connection: "could
// not connect to Redis Cluster via ...", "... to the Sentinel master ...", "...
// to an app-owned Redis instance at ..." (never "to Redis at Redis Cluster"),
// without the Sentinel client's retry schedule, and with no "reconnecting" logged
// for a refusal that ends the wait at once.

const CONNECT_TIMEOUT_MS = 1_000;
const PASSWORD = 'Wording-S3cret-pw';

const boot = (connection: RedisConnection) => bootOutcome(connection, 'connect-wording', CONNECT_TIMEOUT_MS);

describe('connect failures, as each shape of connection words them', () => {
  let redis: OwnRedis;

  beforeAll(async () => {
    redis = await passwordRedis(PASSWORD);
  });
  afterAll(async () => {
    await redis.destroy();
  });

  it('refuses a wrong password at once and logs no "reconnecting" for a connection it gives up on', async () => {
    const { error, logged } = await boot(`redis://:wrong-${PASSWORD}@127.0.0.1:${redis.port}`);
    expect(error).toBeInstanceOf(RedisUnavailableError);
    // Without "within ... ms": the refusal ended the wait, not the connect timeout.
    expect((error as Error).message).toMatch(new RegExp(`^could not connect to Redis at 127\\.0\\.0\\.1:${redis.port}: it refused the login \\(WRONGPASS `));
    expect(logged.filter((line) => /reconnecting/.test(line))).toEqual([]);
  });

  it('says at once that something other than Redis answers on the port (an HTTP server), without "Please report this"', async () => {
    const server = createServer((_req, res) => res.end('<html></html>'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      // A timeout far longer than the test's: the refusal must end the wait, not the timeout.
      const started = Date.now();
      const { error } = await bootOutcome(`redis://127.0.0.1:${port}`, 'connect-wording', 30_000);
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(error).toBeInstanceOf(RedisUnavailableError);
      expect((error as Error).message).toMatch(
        new RegExp(`^could not connect to Redis at 127\\.0\\.0\\.1:${port}: something other than Redis answered there \\(its reply began with "H", `),
      );
      expect((error as Error).message).not.toContain('Please report');
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('names an app-owned instance as such, not "Redis at an app-owned Redis instance"', async () => {
    const own = new Redis({ host: '127.0.0.1', port: redis.port, password: `wrong-${PASSWORD}`, lazyConnect: true });
    try {
      const { error } = await boot(own);
      expect((error as Error).message).toMatch(new RegExp(`^could not connect to an app-owned Redis instance at 127\\.0\\.0\\.1:${redis.port}: it refused the login \\(WRONGPASS `));
      expect((error as Error).message).not.toContain(PASSWORD);
    } finally {
      own.disconnect();
    }
  });

  it("names a Cluster and a Sentinel set as such after a timeout, without the Sentinel client's retry schedule", async () => {
    const closed = await freePort();
    const [cluster, sentinel] = await Promise.all([
      boot({ cluster: [`redis://127.0.0.1:${closed}`] }),
      boot({ sentinels: [{ host: '127.0.0.1', port: closed }], name: 'mymaster' }),
    ]);
    expect((cluster.error as Error).message).toMatch(new RegExp(`^could not connect to Redis Cluster via 127\\.0\\.0\\.1:${closed} within ${CONNECT_TIMEOUT_MS} ms: `));
    expect((sentinel.error as Error).message).toMatch(
      new RegExp(`^could not connect to the Sentinel master 'mymaster' via sentinels 127\\.0\\.0\\.1:${closed} within ${CONNECT_TIMEOUT_MS} ms: All sentinels are unreachable\\. Last error: `),
    );
    for (const text of [(sentinel.error as Error).message, ...sentinel.logged]) expect(text).not.toMatch(/Retrying from scratch/);
    // ioredis closes the clients it made for the sentinels with its default 2 s disconnectTimeout: not past this file.
    await sleep(2_100);
  });
});
