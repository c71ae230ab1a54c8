import type { SessionSettings } from '../../../lib/cli/cli-connection.js';
import { CommandFailure, UsageError } from '../../../lib/cli/cli-errors.js';
import { runCli } from '../../../lib/cli/cli.js';
import { inToolTerms } from '../../../lib/cli/library-errors.js';
import { clusterNodeTrouble } from '../../../lib/redis/connect-refusal.js';
import { InvalidTaskOptionsError, RedisUnavailableError } from '../../../lib/index.js';

// The library's errors in the command line tool's own terms: its flags
// (--url, --cluster, --prefix, REDIS_URL) where the library names TaskModule's
// options, and no advice about tls options the tool does not have.

const SETTINGS: SessionSettings = { url: 'redis://ops:hunter2@10.0.0.5:6380', urlFrom: '--url', prefix: 'tasks', cluster: false, timeoutMs: 10_000, readsOnly: false };

describe('the command line tool, wording what the library refused', () => {
  it('checks --prefix before connecting, naming the flag rather than TaskModule options', async () => {
    const err: string[] = [];
    const code = await runCli(['queues', '--prefix', 'a*', '--url', 'redis://127.0.0.1:1'], { out: () => undefined, err: (t) => err.push(t), env: {} });
    expect(code).toBe(2);
    expect(err.join('\n')).toMatch(/^nestjs-redis-tasks: queues: --prefix cannot contain '\*', '\?', '\[', '\]' or '\\', .* got "a\*"\nUsage: nestjs-redis-tasks queues/);
    expect(err.join('\n')).not.toContain('TaskModule options');
  });

  it('says where to check the user name and password: the flag, REDIS_URL, or either when neither was given', () => {
    const refused = new RedisUnavailableError(
      'could not connect to Redis at 10.0.0.5:6380: it refused the login (WRONGPASS invalid username-password pair or user is disabled.); ' +
        'check the user name and password of `connection` (and, with ACLs, that the user is enabled)',
    );
    expect(inToolTerms(refused, SETTINGS)).toBe(
      'failed: could not connect to Redis at 10.0.0.5:6380: it refused the login (WRONGPASS invalid username-password pair or user is disabled.); ' +
        'check the user name and password in --url (and, with ACLs, that the user is enabled)',
    );
    expect(inToolTerms(refused, { ...SETTINGS, urlFrom: 'REDIS_URL' })).toMatch(/; check the user name and password in REDIS_URL \(and, with ACLs/);
    expect(inToolTerms(refused, { ...SETTINGS, urlFrom: undefined })).toMatch(
      /; give a user name and password in --url or REDIS_URL, as redis:\/\/user:password@host:port \(and, with ACLs/,
    );
  });

  it("does not advise a Cluster behind NAT to set clusterOptions.natMap, which the tool has no option for", () => {
    // The library's own words, made as it makes them.
    const trouble = clusterNodeTrouble(new Error('connect ETIMEDOUT 172.18.0.3:6379'), (e) => (e as Error).message);
    expect(trouble).toContain('natMap');
    const failed = new RedisUnavailableError(`could not connect to Redis Cluster via 10.0.0.5:6380: ${trouble}`);
    const text = inToolTerms(failed, { ...SETTINGS, cluster: true });
    expect(text).not.toContain('natMap');
    expect(text).toMatch(/behind NAT or a tunnel\?\); run the tool where the addresses the nodes announce \(CLUSTER NODES\) are reachable: it has no option to map them$/);
  });

  it('tells --cluster against a Redis that is no Cluster node to leave the flag out', () => {
    const refused = new InvalidTaskOptionsError(
      'TaskModule options: connection: Redis Cluster via 10.0.0.5:6380: a node is not part of a Redis Cluster (Failed to refresh slots cache.: ' +
        'ERR This instance has cluster support disabled); use the single-node shape (a URL, or { host, port }) for a Redis that is not a Cluster, ' +
        'or list nodes of the Cluster in `cluster` (see docs/cluster.md)',
    );
    const said = inToolTerms(refused, { ...SETTINGS, cluster: true });
    expect(said).toBeInstanceOf(UsageError);
    expect((said as UsageError).message).toBe(
      '--cluster: Redis at 10.0.0.5:6380 is not a node of a Redis Cluster (ERR This instance has cluster support disabled); leave out --cluster for a Redis that is not a Cluster',
    );
  });

  it('gives TLS advice the tool can follow: a rediss:// URL, and NODE_EXTRA_CA_CERTS for the CA', () => {
    const reset = new RedisUnavailableError(
      'could not connect to Redis at 10.0.0.5:6380 within 3000 ms: write ECONNRESET; Redis closed the connection as it opened: if this Redis expects TLS, use a rediss:// URL or the tls option of `connection`; else it may have reached its maxclients limit (INFO clients)',
    );
    expect(inToolTerms(reset, SETTINGS)).toBe('failed: could not connect to Redis at 10.0.0.5:6380 within 3000 ms: write ECONNRESET; Redis closed the connection as it opened: if this Redis expects TLS, use a rediss:// URL; else it may have reached its maxclients limit (INFO clients)');
    const untrusted = new RedisUnavailableError(
      'could not connect to Redis at 10.0.0.5:6380: its TLS certificate is not signed by a CA this app trusts (self-signed certificate); give the certificate of the CA that ' +
        "signed it as tls.ca of `connection` (its PEM text, readFileSync('ca.pem'), not the file's path), or name that file in the NODE_EXTRA_CA_CERTS environment variable",
    );
    expect(inToolTerms(untrusted, SETTINGS)).toBe(
      'failed: could not connect to Redis at 10.0.0.5:6380: its TLS certificate is not signed by a CA this app trusts (self-signed certificate); ' +
        'name the file of the CA certificate that signed it (PEM) in the NODE_EXTRA_CA_CERTS environment variable: the tool has no option for it',
    );
    const host = new RedisUnavailableError(
      'could not connect to Redis at 10.0.0.5:6380: its TLS certificate is not for the host name connected to (...); connect by a name the certificate lists, ' +
        'or give that name as tls.servername of `connection`',
    );
    expect(inToolTerms(host, SETTINGS)).toMatch(/; connect by a name the certificate lists, in --url$/);
    const silent = new RedisUnavailableError(
      'could not connect to Redis at 10.0.0.5:6380 within 3000 ms: nothing answered the TLS handshake (a rediss:// URL or tls option needs a port where Redis speaks TLS)',
    );
    expect(inToolTerms(silent, SETTINGS)).toMatch(/\(a rediss:\/\/ URL needs a port where Redis speaks TLS\)$/);
  });

  it('says an ACL user that lacks commands is a permission to grant (exit 1), not wrong usage of --url', () => {
    const refused = new InvalidTaskOptionsError(
      "TaskModule options: connection: the Redis user at 10.0.0.5:6380 may not run +xadd on this app's keys ('{tasks:*'), which the library's Lua scripts call. " +
        "Redis refuses such a command only when a script reaches it, keeping what the script wrote before (an enqueue stored and reported failed): add +xadd to the user's ACL rule",
    );
    expect(inToolTerms(refused, SETTINGS)).toMatch(/^the Redis user at 10\.0\.0\.5:6380 may not run \+xadd on this app's keys .*: add \+xadd to the user's ACL rule$/);
  });

  it("keeps the tool's own failures as they are, and a URL the library refuses as --url's", () => {
    expect(inToolTerms(new CommandFailure("no task 'x' in queue 'default'"), SETTINGS)).toBe("no task 'x' in queue 'default'");
    const malformed = inToolTerms(new InvalidTaskOptionsError('TaskModule options: connection: the Redis URL cannot be parsed'), SETTINGS);
    expect((malformed as UsageError).message).toBe('--url: the Redis URL cannot be parsed');
  });
});
