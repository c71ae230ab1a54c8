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
 *    complete them), after 50 uncounted rounds. Then replays them again with
 *    several tasks per call, as under load: enqueues of 32 rows, fetches of
 *    10 (the captured fetch with its count raised) and settles of those 10.
 * 3. Prints instructions per single-task call and per task in those batches.
 *    The single-task fetches take from a queue of up to `--calls` tasks (all
 *    enqueues come first). Both servers are its own, on free loopback ports,
 *    and stopped by their own pids.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { makePayload } from './adapters/library-adapter.js';
import { snapshotPackage } from './support/package-snapshot.js';
import { recordingProxy } from './support/recording-proxy.js';
import { startRedisServer } from './support/redis-server.js';

const HOT = ['enqueue', 'fetch', 'settle'] as const;
type Hot = (typeof HOT)[number];

/** Tasks per call in the batched replay. */
const BATCH = { enqueue: 32, fetch: 10 } as const;
const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
/** Fetches per whole number of enqueues: a batched round takes a multiple of this, so nothing is left waiting. */
const FETCH_UNIT = BATCH.enqueue / gcd(BATCH.enqueue, BATCH.fetch);
const calls = Number(process.argv.find((a) => a.startsWith('--calls='))?.split('=')[1] ?? 1000);

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
    // Loaded only now, after main() took the package snapshot that 'nestjs-redis-tasks' resolves to:
    // a static import would load the snapshot of the run before (or fail on a fresh clone).
    const { oursAdapter } = await import('./adapters/ours.adapter.js');
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
  // A lease token ends with its lease's start (the fetch reply's head, REPLIES.fetch in protocol.ts:
  // lookAgainMs, brokenIds, startedAt): a replayed settle presents the token of the replayed fetch.
  const FETCH_REPLY_STARTED_AT = 2;
  const tokenOf = (startedAt: unknown) => settleArgv[settleIdAt + 1].replace(/:[^:]*$/, `:${String(startedAt)}`);
  // The enqueue's one row (id, payload, options) is the end of its arguments; so is the settle's.
  const enqueueIdAt = 1 + keyCount + idAt;
  // The fetch count is the first fetch argument, after the key base and the events setting; the
  // worker ran at concurrency 1, so it asked for one.
  const fetchCountAt = 1 + Number(fetch.args[0].toString()) + 2;
  if (fetch.args[fetchCountAt]?.toString() !== '1') throw new Error('the captured fetch did not ask for one task where its count should be');

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
    const withId = (args: ReadonlyArray<Buffer | string>, at: number, value: string) => args.map((a, i) => (i === at ? value : a));
    // Each replayed call must have done what the library's did, or the counts would measure something else.
    const round = async (tag: string, n: number): Promise<Record<Hot, number>> => {
      const result = { enqueue: 0, fetch: 0, settle: 0 };
      for (let i = 0; i < n; i++) {
        const reply = (await redis.call('EVALSHA', sha.enqueue, ...withId(enqueue.args, enqueueIdAt, `${tag}-${i}`))) as unknown[];
        if (reply.length > 0) throw new Error(`the replayed enqueue ${i} did not add ${tag}-${i}: ${JSON.stringify(reply)}`);
      }
      result.enqueue = take();
      const starts: unknown[] = [];
      for (let i = 0; i < n; i++) {
        const reply = (await redis.call('EVALSHA', sha.fetch, ...fetch.args)) as unknown[];
        if (!reply.map(String).includes(`${tag}-${i}`)) throw new Error(`the replayed fetch ${i} did not lease ${tag}-${i}`);
        starts.push(reply[FETCH_REPLY_STARTED_AT]);
      }
      result.fetch = take();
      for (let i = 0; i < n; i++) {
        const args = withId(withId(settle.args, settleIdAt, `${tag}-${i}`), settleIdAt + 1, tokenOf(starts[i]));
        const reply = (await redis.call('EVALSHA', sha.settle, ...args)) as unknown[];
        if (String(reply[0]) !== '1') throw new Error(`the replayed settle ${i} did not settle ${tag}-${i}`);
      }
      result.settle = take();
      return result;
    };
    // The same calls with several tasks each, as under load: enqueues of 32 rows (the producer's
    // batch), fetches of 10 (a worker at concurrency 10 with a queue to take from) and settles of
    // the 10 fetched. `fetches` is a multiple of FETCH_UNIT, so the enqueues add exactly what is fetched.
    const batchRound = async (tag: string, fetches: number): Promise<Record<Hot, number>> => {
      const result = { enqueue: 0, fetch: 0, settle: 0 };
      const id = (t: number) => `${tag}-${t}`;
      const enqueueHead = enqueue.args.slice(0, enqueueIdAt);
      const enqueueRow = enqueue.args.slice(enqueueIdAt);
      const enqueues = (fetches * BATCH.fetch) / BATCH.enqueue;
      for (let e = 0; e < enqueues; e++) {
        const rows = Array.from({ length: BATCH.enqueue }, (_, j) => withId(enqueueRow, 0, id(e * BATCH.enqueue + j))).flat();
        const reply = (await redis.call('EVALSHA', sha.enqueue, ...enqueueHead, ...rows)) as unknown[];
        if (reply.length > 0) throw new Error(`the replayed batch enqueue ${e} did not add all its rows: ${JSON.stringify(reply)}`);
      }
      result.enqueue = take();
      const fetchOfBatch = withId(fetch.args, fetchCountAt, String(BATCH.fetch));
      const starts: string[] = [];
      for (let f = 0; f < fetches; f++) {
        const leased = ((await redis.call('EVALSHA', sha.fetch, ...fetchOfBatch)) as unknown[]).map(String);
        starts.push(leased[FETCH_REPLY_STARTED_AT]);
        for (let j = 0; j < BATCH.fetch; j++) {
          if (!leased.includes(id(f * BATCH.fetch + j))) throw new Error(`the replayed fetch of ${BATCH.fetch} (${f}) did not lease ${id(f * BATCH.fetch + j)}`);
        }
      }
      result.fetch = take();
      const settleHead = settle.args.slice(0, settleIdAt);
      const settleRow = settle.args.slice(settleIdAt);
      for (let f = 0; f < fetches; f++) {
        const rows = Array.from({ length: BATCH.fetch }, (_, j) => withId(withId(settleRow, 0, id(f * BATCH.fetch + j)), 1, tokenOf(starts[f]))).flat();
        const reply = (await redis.call('EVALSHA', sha.settle, ...settleHead, ...rows)) as unknown[];
        if (String(reply[0]) !== '1'.repeat(BATCH.fetch)) throw new Error(`the replayed settle of ${BATCH.fetch} (${f}) did not settle them all: ${String(reply[0])}`);
      }
      result.settle = take();
      return { enqueue: result.enqueue / (enqueues * BATCH.enqueue), fetch: result.fetch / (fetches * BATCH.fetch), settle: result.settle / (fetches * BATCH.fetch) };
    };
    await round('warm', 50);
    const single = await round('counted', calls);
    await batchRound('warm-batch', FETCH_UNIT);
    const batched = await batchRound('batch', Math.max(FETCH_UNIT, Math.floor(calls / FETCH_UNIT) * FETCH_UNIT));
    const figure = (value: number) => Math.round(value).toLocaleString('en-US').padStart(9);
    process.stdout.write(`Instructions inside EVALSHA (callgrind), ${calls} calls each:\n`);
    process.stdout.write(`  script    per single-task call   per task in a batch (enqueue ${BATCH.enqueue}, fetch and settle ${BATCH.fetch})\n`);
    for (const name of HOT) process.stdout.write(`  ${name.padEnd(8)}  ${figure(single[name] / calls).padStart(20)}   ${figure(batched[name])}\n`);
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
