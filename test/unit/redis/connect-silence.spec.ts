import { silence } from '../../../lib/redis/redis-connections.js';
import type { RedisClient } from '../../../lib/redis/redis-client.js';

// What a connect timeout says when no error came: which silence it was.
describe('the reason given for a connect timeout without an error', () => {
  const client = (options: object, connecting: boolean) => ({ options, stream: { connecting } }) as unknown as RedisClient;

  it('tells a connection never made from a TLS handshake or a server that did not answer', () => {
    expect(silence(client({ tls: {} }, true))).toBe(': the connection was never established (a host or network that drops packets?)');
    expect(silence(client({ tls: {} }, false))).toBe(': nothing answered the TLS handshake (a rediss:// URL or tls option needs a port where Redis speaks TLS)');
    expect(silence(client({ redisOptions: { tls: {} } }, false))).toMatch(/^: nothing answered the TLS handshake/);
    expect(silence(client({}, false))).toBe(': nothing answered (a server that accepts connections but does not reply, or a network that drops them)');
  });
});
