import { ReplyError } from 'ioredis';
import { InvalidTaskOptionsError, RedisUnavailableError } from '../../../lib/index.js';
import { clusterNodeTrouble, connectErrorText, connectRefusal } from '../../../lib/redis/connect-refusal.js';

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

  it.each([new Error('connect ECONNREFUSED 127.0.0.1:6379'), new ReplyError('LOADING Redis is loading the dataset in memory'), 'text'])(
    'lets reconnecting go on for what may pass (%#)',
    (error) => {
      expect(connectRefusal(error, 'r:6379', undefined, String)).toBeNull();
    },
  );
});
