import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { Redis } from 'ioredis';
import { runCli } from '../../lib/cli/cli.js';
import { InvalidTaskOptionsError, RedisUnavailableError, type RedisConnection } from '../../lib/index.js';
import { freePort } from '../fixtures/child-processes.js';
import { bootOutcome } from '../fixtures/boot-outcome.js';

// The TLS mistakes a user makes at connect, against a redis-server of its own
// that speaks TLS only: a plain redis:// URL at its port (reset at the first
// bytes: the message says so and suggests rediss://, not ioredis' retry
// limit), and a certificate the app does not accept (refused at once with
// what to give, not waited out to the connect timeout). The command line tool
// says the same in its own terms: it has no tls options.

const CONNECT_TIMEOUT_MS = 2_000;
const PASSWORD = 'Tls-S3cret-never-shown';

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A CA, and a server certificate it signed for 127.0.0.1 and localhost. */
function makeCertificates(dir: string): { ca: string; cert: string; key: string } {
  openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=connect-tls test CA']);
  openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost']);
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl(dir, ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '1', '-extfile', 'server.ext']);
  return { ca: join(dir, 'ca.crt'), cert: join(dir, 'server.crt'), key: join(dir, 'server.key') };
}

const boot = (connection: RedisConnection) => bootOutcome(connection, 'connect-tls', CONNECT_TIMEOUT_MS);

/** The command line tool, run in this process: its exit code and what it wrote to stderr. */
async function cli(args: string[]): Promise<{ code: number; err: string }> {
  const err: string[] = [];
  const code = await runCli(args, { out: () => undefined, err: (text) => err.push(text), env: {} });
  return { code, err: err.join('\n') };
}

describe('TLS mistakes at connect', () => {
  let dir: string;
  let server: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let port: number;
  let ca: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'redis-tasks-connect-tls-'));
    const files = makeCertificates(dir);
    ca = readFileSync(files.ca, 'utf8');
    port = await freePort();
    const args = [
      '--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1', '--requirepass', PASSWORD,
      '--tls-cert-file', files.cert, '--tls-key-file', files.key, '--tls-ca-cert-file', files.ca, '--tls-auth-clients', 'no',
      '--save', '', '--appendonly', 'no', '--dir', dir,
    ];
    const started = spawn('redis-server', args, { stdio: 'ignore' });
    server = started;
    exited = new Promise((resolve) => started.once('exit', () => resolve()));
    const deadline = Date.now() + 10_000;
    for (;;) {
      const probe = new Redis({ host: '127.0.0.1', port, password: PASSWORD, tls: { ca }, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, disconnectTimeout: 50 });
      probe.on('error', () => undefined);
      const pong = await probe.connect().then(() => probe.ping(), () => null);
      probe.disconnect();
      if (pong === 'PONG') break;
      if (started.exitCode !== null || Date.now() > deadline) throw new Error(`redis-server did not start with TLS on port ${port} (does this build support TLS?)`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }, 30_000);

  afterAll(async () => {
    if (server && server.exitCode === null && server.signalCode === null) server.kill('SIGTERM');
    await exited;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("says a plain URL at a TLS port was reset and suggests rediss://, not ioredis' retry limit, never the password", async () => {
    const { error, logged } = await boot(`redis://:${PASSWORD}@127.0.0.1:${port}`);
    expect(error).toBeInstanceOf(RedisUnavailableError);
    const message = (error as Error).message;
    expect(message).toMatch(
      new RegExp(`^could not connect to Redis at 127\\.0\\.0\\.1:${port} within ${CONNECT_TIMEOUT_MS} ms: (read|write) (ECONNRESET|EPIPE); Redis closed the connection as it opened: if this Redis expects TLS, use a rediss:// URL or the tls option of \`connection\`; else it may have reached its maxclients limit \\(INFO clients\\)$`),
    );
    expect(message).not.toMatch(/max retries/);
    expect(`${inspect(error, { depth: 5 })}\n${logged.join('\n')}`).not.toContain(PASSWORD);
  });

  it('refuses a certificate no trusted CA signed at once, naming tls.ca and NODE_EXTRA_CA_CERTS, and logs no reconnecting', async () => {
    const { error, logged } = await boot({ url: `rediss://127.0.0.1:${port}`, password: PASSWORD });
    expect(error).toBeInstanceOf(RedisUnavailableError);
    // Without "within ... ms": no reconnect mends it, so it is not waited out to the connect timeout.
    expect((error as Error).message).toMatch(
      new RegExp(`^could not connect to Redis at 127\\.0\\.0\\.1:${port}: its TLS certificate is not signed by a CA this app trusts \\(self[- ]signed certificate[^)]*\\); give the certificate of the CA that signed it as tls\\.ca of \`connection\``),
    );
    expect((error as Error).message).toContain('NODE_EXTRA_CA_CERTS');
    expect(logged.filter((line) => /reconnecting/.test(line))).toEqual([]);
  });

  it('refuses TLS settings that are not PEM, and a certificate for another host name, at once', async () => {
    const pem = await boot({ url: `rediss://127.0.0.1:${port}`, password: PASSWORD, tls: { ca: join(dir, 'ca.crt'), cert: 'server.crt', key: 'server.key' } });
    expect(pem.error).toBeInstanceOf(InvalidTaskOptionsError);
    expect((pem.error as Error).message).toMatch(/^TaskModule options: connection: the TLS settings cannot be used \(.*PEM.*\); tls\.ca, tls\.cert and tls\.key take PEM text/);
    const host = await boot({ url: `rediss://127.0.0.1:${port}`, password: PASSWORD, tls: { ca, servername: 'redis.elsewhere.invalid' } });
    expect(host.error).toBeInstanceOf(RedisUnavailableError);
    expect((host.error as Error).message).toMatch(/its TLS certificate is not for the host name connected to \(.*altnames.*\); connect by a name the certificate lists/);
  });

  it('says the same in the terms of the command line tool, which has no tls options', async () => {
    // A short --timeout: ioredis drops (unsettled) the commands of a connection reset before it was ready, and
    // each keeps its call timer; the tool exits past them, but this test's process must not wait 10 s for them.
    const [plain, untrusted] = await Promise.all([
      cli(['queues', '--timeout', '200', '--url', `redis://:${PASSWORD}@127.0.0.1:${port}`]),
      cli(['queues', '--timeout', '200', '--url', `rediss://:${PASSWORD}@127.0.0.1:${port}`]),
    ]);
    expect(plain.code).toBe(1);
    expect(plain.err).toMatch(/^nestjs-redis-tasks: failed: could not connect to Redis at 127\.0\.0\.1:\d+ within 3000 ms: .*(ECONNRESET|EPIPE).*; Redis closed the connection as it opened: if this Redis expects TLS, use a rediss:\/\/ URL; else it may have reached its maxclients limit \(INFO clients\)$/);
    expect(untrusted.code).toBe(1);
    expect(untrusted.err).toMatch(
      /: its TLS certificate is not signed by a CA this app trusts \([^)]*\); name the file of the CA certificate that signed it \(PEM\) in the NODE_EXTRA_CA_CERTS environment variable: the tool has no option for it$/,
    );
    for (const run of [plain, untrusted]) {
      expect(run.err).not.toMatch(/tls\.ca|tls option|`connection`/);
      expect(run.err).not.toContain(PASSWORD);
    }
  });
});
