import { Redis } from 'ioredis';
import { createRedisClient } from '../../../lib/redis/redis-client.factory.js';
import { redactRedisError, redacted } from '../../../lib/redis/redact-error.js';
import { resolveConnection } from '../../../lib/config/connection.resolver.js';
import { inspect } from 'node:util';

describe('redactRedisError', () => {
  it('hides the arguments of an AUTH command attached to an error, also on its cause', () => {
    const inner = Object.assign(new Error('WRONGPASS invalid username-password pair'), { command: { name: 'auth', args: ['app', 's3cr3t'] } });
    const outer = new Error('enqueue failed', { cause: inner });
    redactRedisError(outer);
    expect(inspect(outer, { depth: 5 })).not.toContain('s3cr3t');
    expect(inner).toMatchObject({ command: { name: 'auth', args: ['(redacted)'] } });
  });

  it('leaves other commands and non-errors alone', () => {
    const error = Object.assign(new Error('WRONGTYPE'), { command: { name: 'hgetall', args: ['{t:q}:t:1'] } });
    expect(redactRedisError(error)).toMatchObject({ command: { args: ['{t:q}:t:1'] } });
    expect(redactRedisError('text')).toBe('text');
    expect(redactRedisError(null)).toBeNull();
  });

  it('redacts a rejected promise', async () => {
    const failing = Promise.reject(Object.assign(new Error('NOAUTH'), { command: { name: 'HELLO', args: ['3', 'AUTH', 'u', 'pw'] } }));
    await expect(redacted(failing)).rejects.toMatchObject({ command: { args: ['(redacted)'] } });
  });
});

describe('a { url, ...options } connection', () => {
  it('builds a client from the URL with the options applied', () => {
    const client = createRedisClient(resolveConnection({ url: 'redis://127.0.0.1:6390/3', connectionName: 'x' }), 'command', 1000);
    expect(client).toBeInstanceOf(Redis);
    expect(client.options).toMatchObject({ host: '127.0.0.1', port: 6390, db: 3, connectionName: 'x', lazyConnect: true });
    client.disconnect();
  });
});
