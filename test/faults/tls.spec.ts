import { Test } from '@nestjs/testing';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { RedisUnavailableError, TaskModule } from '../../lib/index.js';
import { assertBuilt, freePort, spawnNode } from '../fixtures/child-processes.js';
import { printSummary } from './support/tally.js';

// TLS: a self-signed CA and a server certificate made with openssl, a
// redis-server listening on a TLS port only (--port 0), and the whole core flow
// run over it twice: with ioredis options ({ host, port, tls: { ca } }) and with
// a rediss:// URL (the CA then comes from NODE_EXTRA_CA_CERTS, since a URL
// cannot carry it). Without the CA the certificate is refused: the TLS settings
// really reach ioredis and verification stays on.

const CORE_FLOW = join(__dirname, 'children', 'core-flow-app.cjs');

/** Runs openssl in `dir`; its output is only shown if it fails. */
function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A CA, and a server certificate it signed for 127.0.0.1 and localhost. */
function makeCertificates(dir: string): { ca: string; cert: string; key: string } {
  openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=nestjs-redis-tasks test CA']);
  openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost']);
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl(dir, [
    'x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial',
    '-out', 'server.crt', '-days', '1', '-extfile', 'server.ext',
  ]);
  return { ca: join(dir, 'ca.crt'), cert: join(dir, 'server.crt'), key: join(dir, 'server.key') };
}

describe('Redis over TLS', () => {
  let dir: string;
  let server: ChildProcess | undefined;
  let serverExited: Promise<void> = Promise.resolve();
  let port: number;
  let caFile: string;

  beforeAll(async () => {
    assertBuilt();
    dir = mkdtempSync(join(tmpdir(), 'redis-tasks-tls-'));
    const version = execFileSync('openssl', ['version']).toString().trim();
    expect(version).toMatch(/^OpenSSL \d/);
    const files = makeCertificates(dir);
    caFile = files.ca;
    port = await freePort();
    let stderr = '';
    const started = spawn(
      'redis-server',
      [
        '--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1',
        '--tls-cert-file', files.cert, '--tls-key-file', files.key, '--tls-ca-cert-file', files.ca, '--tls-auth-clients', 'no',
        '--save', '', '--appendonly', 'no', '--dir', dir,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    server = started;
    started.stdout!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    started.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    serverExited = new Promise((resolve) => started.once('exit', () => resolve()));
    // Ready once it answers PING over TLS; a build without TLS exits at once on --tls-port.
    const deadline = Date.now() + 10_000;
    for (;;) {
      const probe = new Redis({
        host: '127.0.0.1', port, tls: { ca: readFileSync(caFile) },
        lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, disconnectTimeout: 50,
      });
      probe.on('error', () => undefined);
      const pong = await probe.connect().then(() => probe.ping(), () => null);
      probe.disconnect();
      if (pong === 'PONG') break;
      if (started.exitCode !== null || Date.now() > deadline) {
        throw new Error(`redis-server did not start with TLS on port ${port} (does this build support TLS?): ${stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });

  afterAll(async () => {
    if (server && server.exitCode === null && server.signalCode === null) server.kill('SIGTERM');
    await serverExited;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs the whole core flow with tls options and with a rediss:// URL, and refuses an unknown CA', async () => {
    const runs: Array<{ how: string; env: Record<string, string> }> = [
      { how: 'options', env: { REDIS_CONNECTION: JSON.stringify({ host: '127.0.0.1', port }), REDIS_TLS_CA_FILE: caFile, TASKS_PREFIX: 'tls-options' } },
      { how: 'url', env: { REDIS_CONNECTION: `rediss://127.0.0.1:${port}`, NODE_EXTRA_CA_CERTS: caFile, TASKS_PREFIX: 'tls-url' } },
    ];
    const total = { enqueued: 0, completed: 0, duplicates: 0, dead: 0, lost: 0 };
    for (const { how, env } of runs) {
      const flow = spawnNode([CORE_FLOW], { ...env, NO_COLOR: '1' });
      const exit = await flow.exited;
      const steps = flow.lines.filter((l) => l.startsWith('step '));
      expect({ how, failed: steps.filter((l) => !l.endsWith(' ok')) }).toEqual({ how, failed: [] });
      expect(steps.length).toBeGreaterThanOrEqual(8);
      expect({ how, exit, stderr: flow.stderr() }).toEqual({ how, exit: 0, stderr: '' });
      const result = JSON.parse(flow.lines.find((l) => l.startsWith('result '))!.slice('result '.length)) as typeof total;
      for (const field of Object.keys(total) as Array<keyof typeof total>) total[field] += result[field];
    }

    // The same options without the CA: the self-signed chain is refused at bootstrap.
    const failure = await Test.createTestingModule({
      imports: [TaskModule.forRoot({ connection: { host: '127.0.0.1', port, tls: {} }, prefix: 'tls-refused', worker: false, connectTimeoutMs: 1_500 })],
    })
      .compile()
      .then((moduleRef) => {
        moduleRef.useLogger(false);
        return moduleRef.init();
      })
      .then(
        async (app) => {
          await app.close();
          return null;
        },
        (error: unknown) => error,
      );
    expect(failure).toBeInstanceOf(RedisUnavailableError);
    expect((failure as Error).message).toMatch(/certificate/);
    expect((failure as Error).message).toContain(`127.0.0.1:${port}`);

    printSummary('tls', { ...total, lostKeys: [], deadKeys: [], duplicateKeys: [], strayIds: [] }, { runs: runs.length });
    expect(total).toMatchObject({ duplicates: 0, dead: 0, lost: 0 });
    expect(total.completed).toBe(total.enqueued);
  });
});
