/**
 * What the hot scripts cost Redis, in instructions: `npm run bench:scripts [-- --calls=N]`.
 *
 * Timings of one script at low load move by 20% from run to run on a shared
 * machine; instruction counts move by about 1%, so this is the figure to
 * compare a change to a script before and after. Needs valgrind (Debian's
 * package). Steps:
 * 1. Runs the library (the bench's own adapter: one producer app, one worker
 *    app at concurrency 1) against a redis-server of its own, through a proxy
 *    that keeps every script call the library sends: the arguments of one
 *    single-task enqueue, fetch and settle, byte for byte.
 * 2. Starts a second redis-server under callgrind, counting only inside
 *    EVALSHA, and replays each call `--calls` times (each enqueue with a new
 *    id, then the fetches that lease those tasks, then the settles that
 *    complete them), after 50 uncounted rounds.
 * 3. Prints instructions per call. Both servers are its own, on free loopback
 *    ports, and stopped by their own pids.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { makePayload } from './adapters/library-adapter.js';
import { oursAdapter } from './adapters/ours.adapter.js';
import { snapshotPackage } from './support/package-snapshot.js';
import { startRedisServer } from './support/redis-server.js';

const HOT = ['enqueue', 'fetch', 'settle'] as const;
type Hot = (typeof HOT)[number];
type Command = Buffer[];

const calls = Number(process.argv.find((a) => a.startsWith('--calls='))?.split('=')[1] ?? 1000);

/** Reads RESP request arrays of bulk strings (what clients send) from a byte stream. */
class RequestReader {
  private buffer = Buffer.alloc(0);
  constructor(private readonly onCommand: (command: Command) => void) {}

  push(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const parsed = this.parse();
      if (!parsed) return;
      this.buffer = this.buffer.subarray(parsed.end);
      this.onCommand(parsed.command);
    }
  }

  private parse(): { command: Command; end: number } | null {
    const line = (from: number) => {
      const end = this.buffer.indexOf('\r\n', from);
      return end < 0 ? null : { text: this.buffer.toString('latin1', from, end), next: end + 2 };
    };
    const head = line(0);
    if (!head) return null;
    if (!head.text.startsWith('*')) throw new Error(`the proxy expected a RESP array, got ${JSON.stringify(head.text.slice(0, 20))}`);
    const command: Command = [];
    let at = head.next;
    for (let i = 0; i < Number(head.text.slice(1)); i++) {
      const size = line(at);
      if (!size) return null;
      const length = Number(size.text.slice(1));
      if (this.buffer.length < size.next + length + 2) return null;
      command.push(this.buffer.subarray(size.next, size.next + length));
      at = size.next + length + 2;
    }
    return { command, end: at };
  }
}

/** A TCP proxy in front of `port` that hands every command its clients send to `onCommand`. */
async function recordingProxy(port: number, onCommand: (command: Command) => void): Promise<{ port: number; server: Server }> {
  const server = createServer((client) => {
    const upstream = connect(port, '127.0.0.1');
    const reader = new RequestReader(onCommand);
    client.on('data', (chunk) => {
      reader.push(chunk);
      upstream.write(chunk);
    });
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { port: typeof address === 'object' && address ? address.port : 0, server };
}

/** One single-task call of each hot script, as the library sent it: script text and arguments after the SHA. */
async function captureCalls(): Promise<Record<Hot, { text: string; args: Buffer[] }>> {
  const capture = await startRedisServer();
  const texts = new Map<string, { name: Hot; text: string }>();
  const seen: Array<{ sha: string; args: Buffer[] }> = [];
  const proxy = await recordingProxy(capture.port, (command) => {
    const verb = command[0].toString().toUpperCase();
    if (verb === 'EVAL') {
      const text = command[1].toString();
      const name = /^-- (\w+):/.exec(text)?.[1] as Hot | undefined;
      if (name && HOT.includes(name)) texts.set(createHash('sha1').update(text).digest('hex'), { name, text });
    } else if (verb === 'EVALSHA') {
      seen.push({ sha: command[1].toString(), args: command.slice(2) });
    }
  });
  try {
    const session = await oursAdapter.open({ redisUrl: `redis://127.0.0.1:${proxy.port}`, prefix: 'script-cost', retention: 'removed' });
    let started = 0;
    await session.startWorker({ concurrency: 1, onTask: () => void started++ });
    for (let i = 1; i <= 3; i++) {
      await session.enqueue(makePayload(i));
      for (let wait = 0; started < i && wait < 500; wait++) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    await session.close();
  } finally {
    proxy.server.close();
    await capture.stop();
  }
  const out: Partial<Record<Hot, { text: string; args: Buffer[] }>> = {};
  for (const call of seen) {
    const script = texts.get(call.sha);
    // The last call of each: the library's own first calls may come before its first task.
    if (script) out[script.name] = { text: script.text, args: call.args };
  }
  for (const name of HOT) if (!out[name]) throw new Error(`no ${name} call was captured`);
  return out as Record<Hot, { text: string; args: Buffer[] }>;
}

async function main(): Promise<void> {
  try {
    execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error('valgrind was not found: install it (apt-get install -y valgrind) to count instructions');
  }
  snapshotPackage(__dirname);
  const captured = await captureCalls();
  const { enqueue, fetch, settle } = captured;
  // The enqueued task's id is the one enqueue argument that the settle names too (beside the key base).
  const keyCount = Number(enqueue.args[0].toString());
  const enqueueArgv = enqueue.args.slice(1 + keyCount).map((b) => b.toString());
  const settleArgv = settle.args.map((b) => b.toString());
  const idAt = enqueueArgv.findIndex((a, i) => i > 0 && !/^-?\d+$/.test(a) && settleArgv.includes(a) && !a.endsWith(':'));
  if (idAt < 0) throw new Error('could not find the task id in the captured enqueue');
  const id = enqueueArgv[idAt];
  const settleIdAt = settleArgv.indexOf(id);

  const dir = mkdtempSync(join(tmpdir(), 'redis-tasks-script-cost-'));
  const counted = await startRedisServer({ wrapper: ['valgrind', '--tool=callgrind', '--toggle-collect=evalShaCommand', `--callgrind-out-file=${join(dir, 'cg.%p')}`] });
  const redis = new Redis(counted.port, '127.0.0.1');
  const pid = String(counted.child.pid);
  /** Instructions counted since the last call, and counting starts again from 0. */
  const take = (): number => {
    execFileSync('callgrind_control', ['--dump', pid], { stdio: 'ignore' });
    execFileSync('callgrind_control', ['--zero', pid], { stdio: 'ignore' });
    const parts = readdirSync(dir).filter((f) => /^cg\.\d+\.\d+$/.test(f)).sort((a, b) => Number(a.split('.')[2]) - Number(b.split('.')[2]));
    const text = readFileSync(join(dir, parts[parts.length - 1]), 'utf8');
    const total = /^(?:summary|totals): (\d+)/m.exec(text);
    if (!total) throw new Error('callgrind wrote no total');
    return Number(total[1]);
  };
  try {
    const sha: Record<Hot, string> = { enqueue: '', fetch: '', settle: '' };
    for (const name of HOT) sha[name] = String(await redis.script('LOAD', captured[name].text));
    const withId = (args: Buffer[], at: number, value: string) => args.map((a, i) => (i === at ? value : a));
    const round = async (tag: string, n: number): Promise<Record<Hot, number>> => {
      const result = { enqueue: 0, fetch: 0, settle: 0 };
      // Each replayed call must have done what the library's did, or the counts would measure something else.
      for (let i = 0; i < n; i++) {
        const reply = (await redis.call('EVALSHA', sha.enqueue, ...withId(enqueue.args, 1 + keyCount + idAt, `${tag}-${i}`))) as unknown[];
        if (reply.length > 0) throw new Error(`the replayed enqueue ${i} did not add ${tag}-${i}: ${JSON.stringify(reply)}`);
      }
      result.enqueue = take();
      for (let i = 0; i < n; i++) {
        const reply = (await redis.call('EVALSHA', sha.fetch, ...fetch.args)) as unknown[];
        if (!reply.map(String).includes(`${tag}-${i}`)) throw new Error(`the replayed fetch ${i} did not lease ${tag}-${i}`);
      }
      result.fetch = take();
      for (let i = 0; i < n; i++) {
        const reply = (await redis.call('EVALSHA', sha.settle, ...withId(settle.args, settleIdAt, `${tag}-${i}`))) as unknown[];
        if (String(reply[0]) !== '1') throw new Error(`the replayed settle ${i} did not settle ${tag}-${i}`);
      }
      result.settle = take();
      return result;
    };
    await round('warm', 50);
    const counts = await round('counted', calls);
    process.stdout.write(`Instructions inside EVALSHA per single-task call, ${calls} calls each (callgrind):\n`);
    for (const name of HOT) process.stdout.write(`  ${name.padEnd(8)} ${Math.round(counts[name] / calls).toLocaleString('en-US').padStart(9)}\n`);
    const left = await redis.dbsize();
    process.stdout.write(`(keys left on the counting server: ${left}: the queue's own keys, its tasks all removed)\n`);
  } finally {
    redis.disconnect();
    await counted.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`script-cost: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
