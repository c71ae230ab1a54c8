import { join } from 'node:path';
import { spawnNode, type LineChild } from '../../fixtures/child-processes.js';

/** Settings of a worker child (see worker-child.cjs for what each does). */
export interface WorkerSettings {
  concurrency?: number;
  leaseMs?: number;
  graceMs?: number;
  sleepMinMs?: number;
  sleepMaxMs?: number;
  /** retention.completed.count; unset = the library's default retention. */
  retainCompleted?: number;
  /** Nest log levels, default error,warn,log. */
  logLevels?: string[];
}

/** A child process of a fault scenario: a worker or producer app on the built package. */
export interface FaultChild {
  /** A label for messages: 'worker-2', 'producer-1'. */
  name: string;
  pid: number;
  proc: LineChild;
  /** Resolves once the process exited and its stdout is read to the end. */
  closed: Promise<void>;
  alive(): boolean;
  /** SIGKILL, then waits until its last line is read. */
  kill(): Promise<void>;
  /** SIGTERM (graceful shutdown), SIGKILL after `timeoutMs`; waits until its last line is read. */
  stop(timeoutMs?: number): Promise<void>;
}

const SUPPORT = __dirname;

function wrap(name: string, proc: LineChild): FaultChild {
  // 'close' comes after 'exit' and after stdout ended: every line is read by then.
  const closed = new Promise<void>((resolve) => proc.child.once('close', () => resolve()));
  const alive = () => proc.child.exitCode === null && proc.child.signalCode === null;
  return {
    name,
    pid: proc.child.pid!,
    proc,
    closed,
    alive,
    async kill() {
      if (alive()) proc.child.kill('SIGKILL');
      await closed;
    },
    async stop(timeoutMs = 10_000) {
      if (!alive()) return closed;
      proc.child.kill('SIGTERM');
      const timer = setTimeout(() => alive() && proc.child.kill('SIGKILL'), timeoutMs);
      await closed;
      clearTimeout(timer);
    },
  };
}

/** Starts a worker child on `url`/`prefix` and resolves once it consumes. */
export async function startWorker(name: string, url: string, prefix: string, settings: WorkerSettings = {}): Promise<FaultChild> {
  const env: Record<string, string> = { REDIS_URL: url, PREFIX: prefix, NO_COLOR: '1' };
  const set = (key: string, value: number | string | undefined) => {
    if (value !== undefined) env[key] = String(value);
  };
  set('CONCURRENCY', settings.concurrency);
  set('LEASE_MS', settings.leaseMs);
  set('GRACE_MS', settings.graceMs);
  set('SLEEP_MIN_MS', settings.sleepMinMs);
  set('SLEEP_MAX_MS', settings.sleepMaxMs);
  set('RETAIN_COMPLETED', settings.retainCompleted);
  set('LOG_LEVELS', settings.logLevels?.join(','));
  const child = wrap(name, spawnNode([join(SUPPORT, 'worker-child.cjs')], env));
  try {
    await child.proc.waitForLine(/^ready \d+$/, 30_000);
  } catch (error) {
    await child.kill();
    throw error;
  }
  return child;
}

/** Settings of a producer child (see producer-child.cjs). */
export interface ProducerSettings {
  keyPrefix: string;
  /** Tasks per second; 0 = as fast as maxInFlight allows. */
  rate: number;
  maxInFlight?: number;
  count?: number;
  durationMs?: number;
  attempts?: number;
  timeoutMs?: number;
  workMs?: number;
}

/** A producer child and what it reported. */
export interface ProducerChild extends FaultChild {
  /** key -> task id of every enqueue that resolved so far. */
  enqueued(): Map<string, string>;
  /** Keys whose enqueue rejected, with the message. */
  failures(): Array<{ key: string; message: string }>;
  /** Resolves with the final "done" line once the producer stopped by itself (count or duration reached). */
  done(timeoutMs?: number): Promise<string>;
}

/** Starts a producer child and resolves once it enqueues. */
export async function startProducer(name: string, url: string, prefix: string, settings: ProducerSettings): Promise<ProducerChild> {
  const env: Record<string, string> = { REDIS_URL: url, PREFIX: prefix, NO_COLOR: '1', KEY_PREFIX: settings.keyPrefix, RATE: String(settings.rate) };
  const set = (key: string, value: number | undefined) => {
    if (value !== undefined) env[key] = String(value);
  };
  set('MAX_IN_FLIGHT', settings.maxInFlight);
  set('COUNT', settings.count);
  set('DURATION_MS', settings.durationMs);
  set('ATTEMPTS', settings.attempts);
  set('TIMEOUT_MS', settings.timeoutMs);
  set('WORK_MS', settings.workMs);
  const base = wrap(name, spawnNode([join(SUPPORT, 'producer-child.cjs')], env));
  try {
    await base.proc.waitForLine(/^ready \d+$/, 30_000);
  } catch (error) {
    await base.kill();
    throw error;
  }
  const lines = base.proc.lines;
  return {
    ...base,
    enqueued() {
      const map = new Map<string, string>();
      for (const line of lines) {
        const m = /^enq (\S+) (\S+)$/.exec(line);
        if (m) map.set(m[2], m[1]);
      }
      return map;
    },
    failures() {
      const list: Array<{ key: string; message: string }> = [];
      for (const line of lines) {
        const m = /^enqfail (\S+) (.*)$/.exec(line);
        if (m) list.push({ key: m[1], message: m[2] });
      }
      return list;
    },
    // Waits for the process to close (stdout read to the end), not for the line
    // itself: its exit can be seen before its last lines are read.
    async done(timeoutMs = 60_000) {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
      const outcome = await Promise.race([base.closed, timedOut]);
      clearTimeout(timer);
      const line = lines.find((l) => l.startsWith('done '));
      if (line) return line;
      const tail = lines.slice(-5).join(' | ');
      throw new Error(`${name} ${outcome === 'timeout' ? `still ran after ${timeoutMs} ms` : 'exited'} without its "done" line; last lines: ${tail}; stderr: ${base.proc.stderr()}`);
    },
  };
}

/** Kills (SIGKILL, by their own pid) every child still running; for afterAll. */
export async function killAll(children: Iterable<FaultChild | undefined>): Promise<void> {
  await Promise.all([...children].map((c) => c?.kill()));
}

const PROTOCOL = /^(start|end|abort|enq|enqfail|ready|done) /;

/** With FAULT_DEBUG=1, writes what the children logged besides their protocol lines (Nest's log) and stderr to stderr. */
export function dumpLogs(children: Iterable<FaultChild | undefined>): void {
  if (!process.env.FAULT_DEBUG) return;
  for (const child of children) {
    if (!child) continue;
    const logged = child.proc.lines.filter((l) => !PROTOCOL.test(l));
    process.stderr.write(`--- ${child.name} (pid ${child.pid}) ---\n${[...logged, child.proc.stderr()].join('\n')}\n`);
  }
}
