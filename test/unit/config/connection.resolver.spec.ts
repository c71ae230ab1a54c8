import { Cluster, Redis } from 'ioredis';
import { inspect } from 'node:util';
import { resolveConnection } from '../../../lib/config/connection.resolver.js';
import type { RedisConnection } from '../../../lib/config/connection-options.js';
import { InvalidTaskOptionsError } from '../../../lib/errors/invalid-task-options.error.js';
import { scrub } from '../../../lib/redis/redis-target.js';

/** The error resolving `value` throws, checked to be an InvalidTaskOptionsError naming `connection`. */
function refusal(value: unknown): InvalidTaskOptionsError {
  try {
    resolveConnection(value as RedisConnection);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidTaskOptionsError);
    expect((error as Error).message).toContain('connection');
    return error as InvalidTaskOptionsError;
  }
  throw new Error('expected a refusal');
}

/** Everything a logger or a default Nest app could print of an error. */
const printed = (error: unknown) => `${String(error)} ${inspect(error, { depth: 10, showHidden: true })} ${JSON.stringify(error)}`;

describe('resolveConnection: URLs', () => {
  it('parses a URL into options, with the target and secrets', () => {
    const resolved = resolveConnection('rediss://app-user:S3cret@cache.example.com:6380/2');
    expect(resolved).toMatchObject({
      kind: 'single',
      options: { host: 'cache.example.com', port: 6380, username: 'app-user', password: 'S3cret', db: 2, tls: {} },
      target: 'cache.example.com:6380',
    });
    expect(resolved.secrets).toEqual(expect.arrayContaining(['S3cret', 'app-user']));
  });

  it('decodes percent-encoded credentials and scrubs both forms', () => {
    const resolved = resolveConnection('redis://:p%2Fa%23s%40s%25w@h:6379');
    expect(resolved).toMatchObject({ options: { password: 'p/a#s@s%w' } });
    expect(scrub('bad p/a#s@s%w and p%2Fa%23s%40s%25w', resolved.secrets)).not.toMatch(/p\/a|p%2F/);
  });

  it('does not count the implicit user "default" as a secret', () => {
    expect(resolveConnection('redis://default:pw@h:1').secrets).not.toContain('default');
  });

  it.each([
    ['a / in the password', 'redis://:pa/ss@redis.internal:6379'],
    ['a # in the password', 'redis://:pa#ss@redis.internal:6379'],
    ['an @ in the password (not refused by the URL rules, so a second / too)', 'redis://:p@ss/w@redis.internal:6379'],
    ['a % in the password', 'redis://:50%zzoff@redis.internal:6379'],
    ['a bad port', 'redis://:Secret-pa55@redis.internal:99999'],
    ['a port that is not a number', 'redis://:Secret-pa55@redis.internal:sixty'],
    ['another scheme', 'http://:Secret-pa55@redis.internal:6379'],
    ['a query string', 'redis://:Secret-pa55@redis.internal:6379?family=6'],
  ])('refuses a URL with %s, never showing the URL or its password', (_what, url) => {
    const error = refusal(url);
    const password = /:([^:]*)@/.exec(url)?.[1] ?? 'Secret-pa55';
    const text = printed(error);
    expect(text).not.toContain(url);
    for (const part of [password, 'pa/ss', 'pa#ss', 'p@ss', '50%zzoff', 'Secret-pa55']) expect(text).not.toContain(part);
    expect(Object.keys(error)).not.toContain('input');
  });

  it('says how to fix an unparseable URL', () => {
    expect(refusal('redis://:pa/ss@h:6379').message).toMatch(/percent-encode .*'\/' as %2F.*'#' as %23/);
  });
});

describe('resolveConnection: options, Sentinel, Cluster, instances', () => {
  it('takes ioredis options and { url, ...options }', () => {
    expect(resolveConnection({ host: 'r', port: 6390, password: 'pw' })).toMatchObject({ kind: 'single', target: 'r:6390', secrets: ['pw'] });
    expect(resolveConnection({ path: '/run/redis.sock' })).toMatchObject({ kind: 'single', target: '/run/redis.sock' });
    const withUrl = resolveConnection({ url: 'rediss://u:pw@r:6380', tls: { rejectUnauthorized: true } });
    expect(withUrl).toMatchObject({ kind: 'single', target: 'r:6380', options: { host: 'r', port: 6380, password: 'pw', tls: { rejectUnauthorized: true } } });
    // A port from the environment comes as text, which ioredis takes.
    expect(resolveConnection({ host: 'r', port: '6390' as never, db: 3 })).toMatchObject({ kind: 'single', target: 'r:6390' });
  });

  it('names, as the target, the host and port that options beside a URL put over its own', () => {
    expect(resolveConnection({ url: 'redis://u:pw@r:6380', host: 'other' })).toMatchObject({ target: 'other:6380', options: { host: 'other' } });
    expect(resolveConnection({ url: 'redis://r:6380', port: 6400 })).toMatchObject({ target: 'r:6400' });
  });

  it('names the sentinels and the master in the target, never the password', () => {
    const resolved = resolveConnection({ sentinels: [{ host: 's1', port: 26379 }, { host: 's2', port: 26380 }], name: 'main', password: 'pw', sentinelPassword: 'spw' });
    expect(resolved).toMatchObject({ kind: 'sentinel', target: "Sentinel master 'main' via sentinels s1:26379, s2:26380" });
    expect(resolved.secrets).toEqual(expect.arrayContaining(['pw', 'spw']));
  });

  it('takes Cluster nodes as URLs or addresses, moving URL credentials to every node', () => {
    const resolved = resolveConnection({ cluster: ['redis://:pw@n1:7000', { host: 'n2', port: 7001 }], clusterOptions: { scaleReads: 'master' } });
    expect(resolved).toMatchObject({
      kind: 'cluster',
      nodes: [{ host: 'n1', port: 7000 }, { host: 'n2', port: 7001 }],
      clusterOptions: { scaleReads: 'master', redisOptions: { password: 'pw' } },
      target: 'Redis Cluster via n1:7000, n2:7001',
    });
    expect(resolved.secrets).toContain('pw');
  });

  it('takes an app-owned Redis or Cluster instance without connecting it', () => {
    const redis = new Redis({ lazyConnect: true });
    const cluster = new Cluster([{ host: '127.0.0.1', port: 7000 }], { lazyConnect: true });
    expect(resolveConnection(redis)).toMatchObject({ kind: 'instance', cluster: false, target: 'an app-owned Redis instance at localhost:6379' });
    expect(resolveConnection(cluster)).toMatchObject({ kind: 'instance', cluster: true, target: 'an app-owned Redis Cluster instance via 127.0.0.1:7000' });
    // Where it points and its credentials, as for the other shapes: messages name the first and scrub the second.
    const owned = new Redis({ host: 'cache.internal', port: 6380, username: 'app', password: 'pw-owned', lazyConnect: true });
    expect(resolveConnection(owned)).toMatchObject({ target: 'an app-owned Redis instance at cache.internal:6380', secrets: ['pw-owned', 'app'] });
    owned.disconnect();
    const sentinel = new Redis({ sentinels: [{ host: 's1', port: 26379 }], name: 'main', lazyConnect: true });
    expect(resolveConnection(sentinel)).toMatchObject({ target: "an app-owned Redis instance (Sentinel master 'main' via sentinels s1:26379)" });
    sentinel.disconnect();
    const numbered = new Cluster([7000, 'redis://ops:node-pw@n2:7001'], { lazyConnect: true });
    expect(resolveConnection(numbered)).toMatchObject({ target: 'an app-owned Redis Cluster instance via 127.0.0.1:7000, n2:7001', secrets: ['ops', 'node-pw'] });
    numbered.disconnect();
    expect(redis.status).toBe('wait');
    expect(cluster.status).toBe('wait');
    redis.disconnect();
    cluster.disconnect();
  });

  it.each([
    ['an options object of another client', { clusterNodes: [{ host: 'n1', port: 7000 }] }, "unknown key 'clusterNodes'"],
    ['a typo', { host: 'r', prot: 6379 }, "unknown key 'prot'"],
    ['a name every object inherits', { host: 'r', constructor: 1 }, "unknown key 'constructor'"],
    ['a cluster option every object inherits', { cluster: ['redis://n1:7000'], clusterOptions: { toString: 1 } }, "unknown key 'clusterOptions.toString'"],
    ['a key beside cluster', { cluster: ['redis://n1:7000'], password: 'x' }, "unknown key 'password' beside 'cluster'"],
    ['an unknown cluster option', { cluster: ['redis://n1:7000'], clusterOptions: { nodes: [] } }, "unknown key 'clusterOptions.nodes'"],
    ['an empty cluster', { cluster: [] }, "'cluster' must be a non-empty array"],
    ['a bad cluster node', { cluster: [{ host: 'n', port: 0 }] }, 'cluster[0].port'],
    ['a database on a cluster node URL', { cluster: ['redis://n1:7000', 'redis://n2:7001/3'] }, "cluster[1]'s URL asks for database 3, but a Redis Cluster has only database 0"],
    ['a database in the cluster node options', { cluster: ['redis://n1:7000'], clusterOptions: { redisOptions: { db: 2 } } }, "'clusterOptions.redisOptions.db' asks for database 2"],
    ['Sentinel without name', { sentinels: [{ host: 's', port: 26379 }] }, "needs 'name'"],
    ['a name without sentinels', { host: 'r', name: 'main' }, "'name' is the master name"],
    ['keyPrefix', { host: 'r', keyPrefix: 'x:' }, 'keyPrefix'],
    ['a port that is not a number', { host: 'r', port: 'abc', password: 'x' }, "'port' must be an integer from 1 to 65535"],
    ['a port out of range', { host: 'r', port: 70000 }, "'port' must be an integer from 1 to 65535"],
    ['a port out of range beside a URL', { url: 'redis://r', port: 0 }, "'port' must be an integer from 1 to 65535"],
    ['an empty host', { host: '', port: 6379 }, "'host' must be a host name or address"],
    ['a negative db', { host: 'r', db: -1 }, "'db' must be a database number"],
    ['a db that is not an integer', { host: 'r', db: '3' }, "'db' must be a database number"],
    ['a bad db beside sentinels', { sentinels: [{ host: 's', port: 26379 }], name: 'main', db: 1.5 }, "'db' must be a database number"],
    ['an array', ['redis://r'], 'got an array'],
    ['a number', 6379, 'got number'],
    ['null', null, 'got null'],
    // Nothing falls back to 127.0.0.1:6379, as ioredis would with no host.
    ['an empty object', {}, "it names no Redis: give a URL, or 'url', 'host' (and 'port') or 'path'"],
    ['options with no host', { port: 6380, password: 'x' }, 'it names no Redis'],
    ['an unset url', { url: undefined, tls: {} }, "'url' is undefined (an environment variable that is not set?), and nothing else names a Redis"],
    ['an unset host', { host: undefined, port: undefined }, "'host' is undefined"],
    ['a Date', new Date(), 'got Date'],
    ['a Map', new Map([['host', 'r']]), 'got Map'],
  ])('refuses %s, naming what was wrong and the accepted shapes', (_what, value, problem) => {
    const { message } = refusal(value);
    expect(message).toContain(problem);
    expect(message).toMatch(/accepted: a URL .*Sentinel .*Cluster .*instance/);
  });

  it.each([
    ['host', { host: 'redis://app:s3cret-pw@r:6379' }, "'host' must be a host name or address, not a URL"],
    ['a cluster node', { cluster: [{ host: 'redis://app:s3cret-pw@n1:7000', port: 7000 }] }, 'cluster[0].host must be a host name or address, not a URL'],
    ['a sentinel', { sentinels: [{ host: 'app:s3cret-pw@s', port: 26379 }], name: 'main' }, 'sentinels[0].host must be a host name or address, not a URL'],
  ])('refuses a URL or credentials given as the %s, without showing them', (_where, value, problem) => {
    const { message } = refusal(value);
    expect(message).toContain(problem);
    expect(message).not.toContain('s3cret-pw');
  });

  it("leaves out options that are undefined beside a URL, instead of letting them replace the URL's", () => {
    expect(resolveConnection({ url: 'redis://prod.example:6380', host: undefined })).toMatchObject({ target: 'prod.example:6380', options: { host: 'prod.example', port: 6380 } });
    expect(resolveConnection({ url: 'redis://prod.example:6380', port: undefined })).toMatchObject({ target: 'prod.example:6380' });
    const tls = resolveConnection({ url: 'rediss://:pw@prod.example:6380', password: undefined, tls: undefined });
    expect(tls).toMatchObject({ options: { password: 'pw', tls: {} } });
  });

  it('takes a host beside an unset port, path or url, as ioredis does (port 6379)', () => {
    expect(resolveConnection({ host: 'redis', port: undefined })).toMatchObject({ kind: 'single', target: 'redis:6379' });
    expect(resolveConnection({ host: 'redis', path: undefined, url: undefined } as never)).toMatchObject({ kind: 'single', target: 'redis:6379' });
  });

  it('takes an IPv6 address and a socket path as where Redis is', () => {
    expect(resolveConnection({ host: '::1', port: 6380 })).toMatchObject({ kind: 'single', target: '::1:6380' });
    expect(resolveConnection({ path: '/run/redis.sock' })).toMatchObject({ kind: 'single', target: '/run/redis.sock' });
  });
});
