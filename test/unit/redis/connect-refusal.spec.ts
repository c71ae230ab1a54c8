import { ReplyError } from 'ioredis';
import { InvalidTaskOptionsError, RedisUnavailableError } from '../../../lib/index.js';
import { clusterNodeTrouble, connectErrorText, connectRefusal, plainToTlsHint, redisNamed } from '../../../lib/redis/connect-refusal.js';

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
    expect(refusal!.message).toMatch(/^could not connect to Redis Cluster via n1:7000: it refused the login \(Failed to refresh slots cache\.: WRONGPASS /);
  });

  it('ends the wait when something other than Redis answers on the port, without ioredis\' "Please report this"', () => {
    const refusal = connectRefusal(new Error('Protocol error, got "<" as reply type byte. Please report this.'), 'h:8080', undefined, (e) => (e as Error).message);
    expect(refusal).toBeInstanceOf(RedisUnavailableError);
    expect(refusal!.message).toBe(
      'could not connect to Redis at h:8080: something other than Redis answered there (its reply began with "<", where a Redis reply ' +
        'begins with +, -, :, $ or *); check the host and port of `connection` (6379 by default)',
    );
  });

  it('tells a TLS endpoint answering a plain client (a TLS alert or handshake byte) to use rediss://', () => {
    for (const byte of ['\u0015', '\\u0015', '\u0016']) {
      const refusal = connectRefusal(new Error(`Protocol error, got "${byte}" as reply type byte. Please report this.`), 'h:6380', undefined, (e) => (e as Error).message);
      expect(refusal).toBeInstanceOf(RedisUnavailableError);
      expect(refusal!.message).toMatch(/^could not connect to Redis at h:6380: it answered with TLS .*; use a rediss:\/\/ URL or the tls option of `connection`/);
    }
  });

  it('names where Redis is as plain words, whatever the shape of the connection', () => {
    expect(redisNamed('r:6379')).toBe('Redis at r:6379');
    expect(redisNamed('/run/redis.sock')).toBe('Redis at /run/redis.sock');
    expect(redisNamed('Redis Cluster via n1:7000, n2:7000')).toBe('Redis Cluster via n1:7000, n2:7000');
    expect(redisNamed("Sentinel master 'tasks' via sentinels s1:26379")).toBe("the Sentinel master 'tasks' via sentinels s1:26379");
    expect(redisNamed('an app-owned Redis instance at r:6379')).toBe('an app-owned Redis instance at r:6379');
    const login = (target: string) => connectRefusal(new ReplyError('WRONGPASS invalid username-password pair'), target, undefined, (e) => (e as Error).message)!.message;
    expect(login('an app-owned Redis instance at r:6379')).toMatch(/^could not connect to an app-owned Redis instance at r:6379: it refused the login/);
    const sentinel = connectRefusal(
      new Error('All sentinels are unreachable. Last error: WRONGPASS invalid username-password pair'),
      "Sentinel master 'tasks' via sentinels s1:26379",
      undefined,
      (e) => (e as Error).message,
    );
    expect(sentinel!.message).toMatch(/^could not connect to the Sentinel master 'tasks' via sentinels s1:26379: a sentinel refused the login \(WRONGPASS /);
  });

  it('ends the wait at a database the server lacks, naming its number', () => {
    const refusal = connectRefusal(new ReplyError('ERR DB index is out of range'), 'r:6379', 40, (e) => (e as Error).message);
    expect(refusal).toBeInstanceOf(InvalidTaskOptionsError);
    expect(refusal!.message).toMatch(/^TaskModule options: connection: Redis at r:6379 has no database 40 \(ERR DB index is out of range\)/);
  });

  it('ends the wait when an ACL user may not switch databases, naming +select', () => {
    const said = "NOPERM User tasks-app has no permissions to run the 'select' command";
    const refusal = connectRefusal(new ReplyError(said), 'r:6379', 2, (e) => (e as Error).message);
    expect(refusal).toBeInstanceOf(InvalidTaskOptionsError);
    expect(refusal!.message).toBe(
      `TaskModule options: connection: Redis at r:6379 refused to switch to database 2 (${said}); ` +
        'the ACL user needs +select for a database other than 0 (see docs/operations.md), or use database 0',
    );
    expect(connectRefusal(new ReplyError("NOPERM User u has no permissions to run the 'xadd' command"), 'r:6379', 2, (e) => (e as Error).message)).toBeNull();
  });

  it.each([
    ['a plain Redis', 'ERR This instance has cluster support disabled'],
    ['a sentinel', "ERR unknown command 'cluster', with args beginning with: 'SLOTS'"],
  ])('ends the wait when a Cluster node turns out to be %s, naming the single-node shape', (_what, said) => {
    const failed = Object.assign(new Error('Failed to refresh slots cache.'), { lastNodeError: new ReplyError(said) });
    const refusal = connectRefusal(failed, 'Redis Cluster via n1:7000', undefined, (e) => (e as Error).message);
    expect(refusal).toBeInstanceOf(InvalidTaskOptionsError);
    expect(refusal!.message).toBe(
      `TaskModule options: connection: Redis Cluster via n1:7000: a node is not part of a Redis Cluster (Failed to refresh slots cache.: ${said}); ` +
        'use the single-node shape (a URL, or { host, port }) for a Redis that is not a Cluster, or list nodes of the Cluster in `cluster` (see docs/cluster.md)',
    );
  });

  it("ends the wait at a master name the sentinel does not monitor, or at a server that is no sentinel, giving the server's answer", () => {
    const target = "Sentinel master 'tasks' via sentinels s1:26379";
    const noMaster = connectRefusal(
      new Error('All sentinels are unreachable. Retrying from scratch after 10ms. Last error: ERR No such master with that name'),
      target,
      undefined,
      (e) => (e as Error).message,
    );
    expect(noMaster).toBeInstanceOf(InvalidTaskOptionsError);
    expect(noMaster!.message).toBe(
      `TaskModule options: connection: ${target}: the sentinel monitors no master by that name (ERR No such master with that name); ` +
        "use the name of a `sentinel monitor` line of the sentinels' configuration (`SENTINEL MASTERS` on a sentinel lists them)",
    );
    const notSentinel = connectRefusal(
      new Error("All sentinels are unreachable. Retrying from scratch after 10ms. Last error: ERR unknown command 'sentinel', with args beginning with: 'get-master-addr-by-name' "),
      target,
      undefined,
      (e) => (e as Error).message,
    );
    expect(notSentinel).toBeInstanceOf(InvalidTaskOptionsError);
    expect(notSentinel!.message).toMatch(/: a server in `sentinels` is not a Redis Sentinel \(ERR unknown command 'sentinel', with args beginning with: 'get-master-addr-by-name'\); list the sentinels' addresses/);
  });

  it("shows a Cluster's last node error beside its slots-refresh failure, as the timeout message gives it", () => {
    const failed = Object.assign(new Error('Failed to refresh slots cache.'), { lastNodeError: new Error('Connection is closed.') });
    expect(connectErrorText(failed, (e) => (e as Error).message)).toBe('Failed to refresh slots cache. (last node: Connection is closed.)');
    expect(connectErrorText(new Error('connect ECONNREFUSED'), (e) => (e as Error).message)).toBe('connect ECONNREFUSED');
  });

  it("says a Cluster's nodes announce addresses this app cannot reach when a node's error is a network one, naming natMap", () => {
    const safe = (e: unknown) => (e as Error).message;
    expect(clusterNodeTrouble(new Error('getaddrinfo ENOTFOUND node-1.nat.invalid'), safe)).toBe(
      'a node of the Cluster failed (getaddrinfo ENOTFOUND node-1.nat.invalid): the nodes announce addresses this app cannot reach ' +
        '(behind NAT or a tunnel?); map them with clusterOptions.natMap (see docs/cluster.md)',
    );
    expect(clusterNodeTrouble(new Error('connect ETIMEDOUT'), safe)).toMatch(/natMap/);
    // A refused connection is as likely a node that is down: both are said.
    expect(clusterNodeTrouble(new Error('connect ECONNREFUSED 127.0.0.1:7117'), safe)).toBe(
      'a node of the Cluster failed (connect ECONNREFUSED 127.0.0.1:7117): the node may be down (CLUSTER INFO on another node shows ' +
        'cluster_state), or the nodes announce addresses this app cannot reach (behind NAT or a tunnel?); map them with clusterOptions.natMap (see docs/cluster.md)',
    );
    expect(clusterNodeTrouble(new Error('ERR something else'), safe)).toBe('a node of the Cluster failed (ERR something else)');
  });

  describe('a TLS certificate this app does not accept, which no reconnect mends', () => {
    const safe = (e: unknown) => (e as Error).message;
    const tlsError = (message: string, code: string) => Object.assign(new Error(message), { code });

    it.each([
      ['self-signed certificate in certificate chain', 'SELF_SIGNED_CERT_IN_CHAIN'],
      ['self-signed certificate', 'DEPTH_ZERO_SELF_SIGNED_CERT'],
      ['unable to verify the first certificate', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'],
      ['unable to get local issuer certificate', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'],
    ])('ends the wait at an untrusted certificate (%s), naming tls.ca and NODE_EXTRA_CA_CERTS', (message, code) => {
      const refusal = connectRefusal(tlsError(message, code), 'r:6380', undefined, safe);
      expect(refusal).toBeInstanceOf(RedisUnavailableError);
      expect(refusal!.message).toBe(
        `could not connect to Redis at r:6380: its TLS certificate is not signed by a CA this app trusts (${message}); give the certificate of the CA ` +
          "that signed it as tls.ca of `connection` (its PEM text, readFileSync('ca.pem'), not the file's path), or name that file in the NODE_EXTRA_CA_CERTS environment variable",
      );
    });

    it("reads a Cluster node's and a sentinel's certificate error too, which come inside another error", () => {
      const cluster = Object.assign(new Error('Failed to refresh slots cache.'), { lastNodeError: tlsError('self-signed certificate', 'DEPTH_ZERO_SELF_SIGNED_CERT') });
      expect(connectRefusal(cluster, 'Redis Cluster via n1:7000', undefined, safe)!.message).toMatch(
        /^could not connect to Redis Cluster via n1:7000: its TLS certificate is not signed by a CA this app trusts \(Failed to refresh slots cache\.: self-signed certificate\); /,
      );
      const sentinel = new Error('All sentinels are unreachable. Last error: unable to verify the first certificate');
      expect(connectRefusal(sentinel, "Sentinel master 'm' via sentinels s1:26379", undefined, safe)!.message).toMatch(/its TLS certificate is not signed by a CA this app trusts/);
    });

    it('says what to do about an expired certificate, one for another host name, and TLS settings that are not PEM', () => {
      expect(connectRefusal(tlsError('certificate has expired', 'CERT_HAS_EXPIRED'), 'r:6380', undefined, safe)!.message).toBe(
        "could not connect to Redis at r:6380: its TLS certificate is outside its validity dates (certificate has expired); renew the server's certificate, or set this machine's clock right",
      );
      const host = "Hostname/IP does not match certificate's altnames: Host: r. is not in the cert's altnames: DNS:redis.internal";
      expect(connectRefusal(tlsError(host, 'ERR_TLS_CERT_ALTNAME_INVALID'), 'r:6380', undefined, safe)!.message).toBe(
        `could not connect to Redis at r:6380: its TLS certificate is not for the host name connected to (${host}); connect by a name the certificate lists, ` +
          'or give that name as tls.servername of `connection`',
      );
      const pem = connectRefusal(tlsError('error:0480006C:PEM routines::no start line', 'ERR_OSSL_PEM_NO_START_LINE'), 'r:6380', undefined, safe);
      expect(pem).toBeInstanceOf(InvalidTaskOptionsError);
      expect(pem!.message).toBe(
        'TaskModule options: connection: the TLS settings cannot be used (error:0480006C:PEM routines::no start line); ' +
          "tls.ca, tls.cert and tls.key take PEM text (a file's contents, readFileSync(path)), not a path",
      );
    });
  });

  it("gives a connection reset, not ioredis' retry limit, and suggests TLS only to a client that speaks none", () => {
    const safe = (e: unknown) => (e as Error).message;
    const retries = Object.assign(new Error('Reached the max retries per request limit (which is 3). Refer to "maxRetriesPerRequest" option for details.'), {
      name: 'MaxRetriesPerRequestError',
    });
    expect(connectErrorText(retries, safe)).toBe('every connection was closed before Redis answered');
    const hint = '; Redis closed the connection as it opened: if this Redis expects TLS, use a rediss:// URL or the tls option of `connection`; else it may have reached its maxclients limit (INFO clients)';
    expect(plainToTlsHint(new Error('write ECONNRESET'), false, safe)).toBe(hint);
    expect(plainToTlsHint(new Error('write EPIPE'), false, safe)).toBe(hint);
    expect(plainToTlsHint(retries, false, safe)).toBe(hint);
    expect(plainToTlsHint(Object.assign(new Error('Failed to refresh slots cache.'), { lastNodeError: new Error('read ECONNRESET') }), false, safe)).toBe(hint);
    expect(plainToTlsHint(new Error('write ECONNRESET'), true, safe)).toBe('');
    expect(plainToTlsHint(new Error('connect ECONNREFUSED 127.0.0.1:6379'), false, safe)).toBe('');
    // A Cluster says "Connection is closed." of a node nothing listens on: no hint there.
    expect(plainToTlsHint(Object.assign(new Error('Failed to refresh slots cache.'), { lastNodeError: new Error('Connection is closed.') }), false, safe)).toBe('');
  });

  it.each([new Error('connect ECONNREFUSED 127.0.0.1:6379'), new ReplyError('LOADING Redis is loading the dataset in memory'), 'text'])(
    'lets reconnecting go on for what may pass (%#)',
    (error) => {
      expect(connectRefusal(error, 'r:6379', undefined, String)).toBeNull();
    },
  );
});
