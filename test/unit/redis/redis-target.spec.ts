import { describeRedisTarget, redisSecrets, scrub } from '../../../lib/redis/redis-target.js';

describe('describeRedisTarget', () => {
  it('gives host:port of a URL and never its credentials', () => {
    const url = 'redis://app-user:S3cretPass@redis.example.com:6380/2';
    const text = describeRedisTarget(url);
    expect(text).toBe('redis.example.com:6380');
    expect(text).not.toContain('S3cretPass');
    expect(text).not.toContain('app-user');
  });

  it('fills the default port and host', () => {
    expect(describeRedisTarget('redis://:S3cretPass@cache.local')).toBe('cache.local:6379');
    expect(describeRedisTarget('rediss://cache.local:7000')).toBe('cache.local:7000');
  });

  it('hides an unparseable URL entirely, since it may hold a password', () => {
    const text = describeRedisTarget('not a url with S3cretPass');
    expect(text).not.toContain('S3cretPass');
    expect(text).toMatch(/unparseable/);
  });

  it('gives host:port of ioredis options and never the password', () => {
    const text = describeRedisTarget({ host: 'redis.internal', port: 6390, username: 'app-user', password: 'S3cretPass' });
    expect(text).toBe('redis.internal:6390');
  });

  it('fills defaults for empty ioredis options', () => {
    expect(describeRedisTarget({})).toBe('127.0.0.1:6379');
  });

  it('gives the socket path of a unix socket connection', () => {
    expect(describeRedisTarget({ path: '/var/run/redis.sock', password: 'S3cretPass' })).toBe('/var/run/redis.sock');
  });
});

describe('redisSecrets and scrub', () => {
  it('removes the password and username of a URL from a message', () => {
    const url = 'redis://app-user:S3cretPass@redis.example.com:6380';
    const message = `connect failed (auth app-user/S3cretPass) at ${url}`;
    const clean = scrub(message, redisSecrets(url));
    expect(clean).not.toContain('S3cretPass');
    expect(clean).not.toContain('app-user');
    expect(clean).toContain('***');
  });

  it('removes a URL-encoded password in both its encoded and decoded forms', () => {
    const url = 'redis://:p%40ss%2Fw0rd@redis.example.com:6379';
    const secrets = redisSecrets(url);
    expect(scrub('bad password p@ss/w0rd', secrets)).not.toContain('p@ss/w0rd');
    expect(scrub('bad password p%40ss%2Fw0rd', secrets)).not.toContain('p%40ss%2Fw0rd');
    expect(scrub(`cannot reach ${url}`, secrets)).not.toContain('p%40ss');
  });

  it('removes a password with a malformed percent-encoding', () => {
    const url = 'redis://:ab%zzcd@redis.example.com:6379';
    expect(scrub('wrong password ab%zzcd', redisSecrets(url))).not.toContain('ab%zzcd');
  });

  it('removes the whole text of an unparseable URL', () => {
    const text = 'not a url with S3cretPass';
    expect(scrub(`failed: ${text}`, redisSecrets(text))).toBe('failed: ***');
  });

  it('removes the password and username of ioredis options', () => {
    const secrets = redisSecrets({ host: 'h', username: 'app-user', password: 'S3cretPass' });
    expect(scrub('WRONGPASS app-user S3cretPass S3cretPass', secrets)).toBe('WRONGPASS *** *** ***');
  });

  it('has no secrets, and changes nothing, without credentials', () => {
    expect(redisSecrets({ host: 'h', port: 1 })).toEqual([]);
    expect(scrub('connect ECONNREFUSED 127.0.0.1:6379', [])).toBe('connect ECONNREFUSED 127.0.0.1:6379');
  });
});
