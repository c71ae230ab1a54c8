import { Cluster, Redis } from 'ioredis';
import * as Ioredis6 from 'ioredis6';
import { resolveConnection } from '../../../lib/config/connection.resolver.js';
import { createRedisClient } from '../../../lib/redis/redis-client.factory.js';

// The clients are made lazily: nothing connects in these tests.
describe('createRedisClient', () => {
  it('makes a Cluster client whose node options keep the user\'s, with what the role needs', () => {
    const connection = resolveConnection({ cluster: ['redis://:pw@n1:7000'], clusterOptions: { redisOptions: { connectTimeout: 1_234 } } });
    const client = createRedisClient(connection, 'command', 10_000) as Cluster;
    expect(client).toBeInstanceOf(Cluster);
    // The slot map is read every 5 s: a hung master's promoted replica is found without a redirection (cluster-hung-master).
    expect(client.options).toMatchObject({ lazyConnect: true, retryDelayOnTryAgain: 100, maxRedirections: 64, slotsRefreshInterval: 5_000 });
    expect(client.options.redisOptions).toMatchObject({ connectTimeout: 1_234, password: 'pw', maxRetriesPerRequest: 3 });
    client.disconnect();
    // The user's own choice wins.
    const own = createRedisClient(resolveConnection({ cluster: ['redis://n1:7000'], clusterOptions: { maxRedirections: 8, slotsRefreshInterval: 0 } }), 'command', 10_000) as Cluster;
    expect(own.options.maxRedirections).toBe(8);
    expect(own.options.slotsRefreshInterval).toBe(0);
    own.disconnect();
    const blocking = createRedisClient(connection, 'blocking', 10_000) as Cluster;
    expect(blocking.options.redisOptions).toMatchObject({ maxRetriesPerRequest: null });
    blocking.disconnect();
  });

  it('makes a Sentinel client that leaves a master the sentinels switched away from, and reconnects when a demoted master answers READONLY', () => {
    const client = createRedisClient(resolveConnection({ sentinels: [{ host: 's', port: 26379 }], name: 'main' }), 'command', 10_000) as Redis;
    expect(client.options).toMatchObject({ name: 'main', sentinels: [{ host: 's', port: 26379 }], lazyConnect: true, failoverDetector: true });
    const own = createRedisClient(resolveConnection({ sentinels: [{ host: 's', port: 26379 }], name: 'main', failoverDetector: false }), 'command', 10_000) as Redis;
    expect(own.options.failoverDetector).toBe(false);
    own.disconnect();
    const reconnect = client.options.reconnectOnError!;
    expect(reconnect(new Error("READONLY You can't write against a read only replica."))).toBe(2);
    expect(reconnect(new Error('ERR something else'))).toBe(false);
    client.disconnect();
  });

  it('duplicates an app-owned instance instead of using it', () => {
    const owned = new Redis({ lazyConnect: true, host: 'app-redis', port: 6390 });
    const client = createRedisClient(resolveConnection(owned), 'command', 10_000) as Redis;
    expect(client).not.toBe(owned);
    expect(client.options).toMatchObject({ host: 'app-redis', port: 6390, lazyConnect: true, maxRetriesPerRequest: 3 });
    client.disconnect();
    owned.disconnect();
  });

  it('makes clients of its own from the options of an instance another ioredis made (ioredis 6)', () => {
    const owned = new Ioredis6.Redis({ lazyConnect: true, host: 'app-redis', port: 6390, password: 'pw' });
    const client = createRedisClient(resolveConnection(owned), 'command', 10_000) as Redis;
    expect(client).toBeInstanceOf(Redis);
    expect(client.options).toMatchObject({ host: 'app-redis', port: 6390, password: 'pw', lazyConnect: true, maxRetriesPerRequest: 3 });
    client.disconnect();
    owned.disconnect();

    const ownedCluster = new Ioredis6.Cluster([{ host: 'n1', port: 7000 }], { lazyConnect: true, maxRedirections: 8 });
    const cluster = createRedisClient(resolveConnection(ownedCluster), 'blocking', 10_000) as Cluster;
    expect(cluster).toBeInstanceOf(Cluster);
    expect((cluster as unknown as { startupNodes: unknown }).startupNodes).toEqual([{ host: 'n1', port: 7000 }]);
    expect(cluster.options).toMatchObject({ lazyConnect: true, maxRedirections: 8 });
    expect(cluster.options.redisOptions).toMatchObject({ maxRetriesPerRequest: null });
    cluster.disconnect();
    ownedCluster.disconnect();
  });
});
