// The Redis the e2e tests run against, for jest's global setup and teardown:
// the one at REDIS_URL (default redis://127.0.0.1:6379) when it answers PING,
// else a private redis-server started for this run on a free loopback port and
// stopped after it. Plain CommonJS: jest loads global hooks without transforming
// .cjs files, and the hooks run in jest's parent process, before its workers start.
const { spawn } = require('node:child_process');
const { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { createServer } = require('node:net');
const { tmpdir } = require('node:os');
const { delimiter, join } = require('node:path');
const { Redis } = require('ioredis');

const DEFAULT_URL = 'redis://127.0.0.1:6379';
/** Where the private server is kept between global setup and teardown (both run in jest's parent process). */
const STATE = Symbol.for('nestjs-redis-tasks.test-redis');

/** Errors that mean "nothing listens there" rather than "a Redis answered and refused". */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** 'pong', 'unreachable', or the error message of a Redis that answered but refused PING (e.g. NOAUTH). */
async function ping(url) {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 2_000,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
  });
  // A refusal during the handshake (NOAUTH, WRONGPASS) comes as an 'error' event; the command then only sees the connection close.
  let refusal = null;
  client.on('error', (error) => {
    if (error && error.name === 'ReplyError') refusal = error.message;
  });
  try {
    await client.connect();
    return (await client.ping()) === 'PONG' ? 'pong' : 'unreachable';
  } catch (error) {
    if (refusal || (error && error.name === 'ReplyError')) return refusal || error.message;
    const code = error && error.code;
    if (UNREACHABLE.has(code) || /connection is closed|connect ETIMEDOUT/i.test(String(error && error.message))) return 'unreachable';
    return String((error && error.message) || error);
  } finally {
    client.disconnect();
  }
}

/** The redis-server executable on PATH, or null. */
function findRedisServer() {
  for (const dir of (process.env.PATH || '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'redis-server');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return null;
}

/** A loopback TCP port nothing listens on right now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The URL without its password, for messages. */
function shown(url) {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(REDIS_URL, not a valid URL)';
  }
}

/** Prints one line and ends the run: a missing prerequisite needs no stack trace. */
function stop(line) {
  process.stderr.write(`${line}\n`);
  process.exit(1);
}

/** Starts redis-server on a free port; resolves with { child, exited, port, dir } once it answers PING. */
async function startPrivate(binary) {
  let lastLog = '';
  // A port found free can be taken before redis-server binds it: try another then.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'redis-tasks-test-redis-'));
    const logfile = join(dir, 'redis.log');
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--logfile', logfile];
    // Not detached: an interrupted run (Ctrl-C) stops it with the rest of the process group.
    const child = spawn(binary, args, { stdio: 'ignore' });
    // 'error' (it could not be spawned) may come instead of 'exit'.
    const exited = new Promise((resolve) => {
      child.once('exit', resolve);
      child.once('error', resolve);
    });
    child.unref();
    const deadline = Date.now() + 10_000;
    while (child.exitCode === null && child.signalCode === null && Date.now() < deadline) {
      if ((await ping(`redis://127.0.0.1:${port}`)) === 'pong') return { child, exited, port, dir };
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    lastLog = existsSync(logfile) ? readFileSync(logfile, 'utf8').trim().split('\n').slice(-3).join(' | ') : '';
    rmSync(dir, { recursive: true, force: true });
  }
  stop(`No Redis answers at the tests' REDIS_URL and the private redis-server started for them did not answer PING either: ${lastLog || 'no log'}`);
}

/**
 * Makes sure a Redis answers at process.env.REDIS_URL for the run: uses the one
 * there, or starts a private redis-server and points REDIS_URL (which jest's
 * workers inherit) at it. Ends the run with one line when neither is possible.
 */
async function ensureTestRedis() {
  const url = process.env.REDIS_URL || DEFAULT_URL;
  const answer = await ping(url);
  if (answer === 'pong') return;
  if (answer !== 'unreachable') {
    stop(`Redis at ${shown(url)} (REDIS_URL) refused PING: ${answer.replace(/\.$/, '')}; fix REDIS_URL, or unset it to use ${DEFAULT_URL}.`);
  }
  const binary = findRedisServer();
  if (!binary) {
    stop(
      `No Redis answers at ${shown(url)} and redis-server is not on PATH to start one for the tests: ` +
        'install Redis (e.g. `apt-get install redis-server`, `brew install redis`) or set REDIS_URL to a Redis that answers.',
    );
  }
  const server = await startPrivate(binary);
  const cleanUp = () => {
    if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
    rmSync(server.dir, { recursive: true, force: true });
  };
  // If jest ends without running the teardown (an error in another global hook), the server goes too.
  process.once('exit', cleanUp);
  globalThis[STATE] = { ...server, cleanUp };
  process.env.REDIS_URL = `redis://127.0.0.1:${server.port}`;
  process.stderr.write(
    `No Redis answers at ${shown(url)}: started a private redis-server (pid ${server.child.pid}) on ${process.env.REDIS_URL} for this run.\n`,
  );
}

/** Stops the private redis-server, if this run started one (by its own pid), and removes its dir. */
async function stopTestRedis() {
  const server = globalThis[STATE];
  if (!server) return;
  delete globalThis[STATE];
  process.removeListener('exit', server.cleanUp);
  const { child } = server;
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await server.exited;
    clearTimeout(timer);
  }
  rmSync(server.dir, { recursive: true, force: true });
}

module.exports = { ensureTestRedis, stopTestRedis, freePort };
