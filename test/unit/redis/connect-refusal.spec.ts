import { ReplyError } from 'ioredis';
import { InvalidTaskOptionsError, RedisUnavailableError } from '../../../lib/index.js';
import { connectRefusal } from '../../../lib/redis/connect-refusal.js';

describe('connectRefusal', () => {
  it('ends the wait at a refused login, keeping the Redis error as a cause without its command arguments', () => {
    const said = Object.assign(new ReplyError('NOAUTH Authentication required.'), { command: { name: 'auth', args: ['user', 'secret'] } });
    const refusal = connectRefusal(said, 'r:6379', undefined, (e) => (e as Error).message);
    expect(refusal).toBeInstanceOf(RedisUnavailableError);
    expect(refusal!.message).toBe(
      'could not connect to Redis at r:6379: it refused the login (NOAUTH Authentication required.); check the user name and password ' +
        'of `connection` (and, with ACLs, that the user is enabled)',
    );
    expect((refusal!.cause as { command: unknown }).command).toEqual({ name: 'auth', args: ['(redacted)'] });
  });

  it("ends the wait at a Cluster's refused login, which comes as the last node error of a failed slots refresh", () => {
    const failed = Object.assign(new Error('Failed to refresh slots cache.'), { lastNodeError: new ReplyError('WRONGPASS invalid username-password pair or user is disabled.') });
    const refusal = connectRefusal(failed, 'Redis Cluster via n1:7000', undefined, (e) => (e as Error).message);
    expect(refusal).toBeInstanceOf(RedisUnavailableError);
    expect(refusal!.message).toMatch(/^could not connect to Redis at Redis Cluster via n1:7000: it refused the login \(Failed to refresh slots cache\.: WRONGPASS /);
  });

  it('ends the wait at a database the server lacks, naming its number', () => {
    const refusal = connectRefusal(new ReplyError('ERR DB index is out of range'), 'r:6379', 40, (e) => (e as Error).message);
    expect(refusal).toBeInstanceOf(InvalidTaskOptionsError);
    expect(refusal!.message).toMatch(/^TaskModule options: connection: Redis at r:6379 has no database 40 \(ERR DB index is out of range\)/);
  });

  it.each([new Error('connect ECONNREFUSED 127.0.0.1:6379'), new ReplyError('LOADING Redis is loading the dataset in memory'), 'text'])(
    'lets reconnecting go on for what may pass (%#)',
    (error) => {
      expect(connectRefusal(error, 'r:6379', undefined, String)).toBeNull();
    },
  );
});
