import type { Redis } from 'ioredis';
import { QueueKeys } from '../../../lib/redis/queue-keys.js';
import type { FaultChild } from './children.js';

/** One handler run as a worker child reported it. */
export interface Run {
  worker: string;
  id: string;
  attempt: number;
  key: string;
  /** Enqueue-to-start latency in ms, or -1 when unknown. */
  lagMs: number;
  ended: boolean;
  /** Reason the attempt's signal aborted (e.g. TaskTimeoutError), if it did. */
  abort?: string;
}

/** What was running on a worker when it was SIGKILLed. */
export interface KillRecord {
  worker: string;
  /** Keys whose handler had started on it and not returned (from its start/end lines). */
  running: Set<string>;
  /** Ids Redis still showed leased to it right after it died (handler done, outcome not yet recorded, or fetched and not started). */
  leasedIds: Set<string>;
}

const START = /^start (\S+) (\d+) (\S+) (-?\d+)$/;
const END = /^end (\S+) (\d+)$/;
const ABORT = /^abort (\S+) (\d+) (.+)$/;

/**
 * Reads the start/end/abort lines of every worker child of a scenario and
 * answers what ran where, what ran more than once, and what was active on a
 * worker when it was killed.
 */
export class Ledger {
  /** Runs by task key, in the order they were read. */
  readonly runs = new Map<string, Run[]>();
  readonly kills: KillRecord[] = [];
  private readonly cursors = new Map<FaultChild, number>();
  private readonly open = new Map<string, Run>();
  /** Task id -> key, from enqueue results and start lines. */
  private readonly keyOf = new Map<string, string>();
  private startCount = 0;
  private endCount = 0;

  constructor(readonly keys: QueueKeys) {}

  /** Tells the ledger which key each task id carries (enqueue results: key -> id). */
  expect(enqueued: Map<string, string>): void {
    for (const [key, id] of enqueued) this.keyOf.set(id, key);
  }

  /** Starts reading a worker child's lines. */
  watch(worker: FaultChild): void {
    if (!this.cursors.has(worker)) this.cursors.set(worker, 0);
  }

  /** Reads every line the watched workers printed since the last call. */
  sync(): void {
    for (const [worker, from] of this.cursors) {
      const lines = worker.proc.lines;
      for (let i = from; i < lines.length; i++) this.read(worker.name, lines[i]);
      this.cursors.set(worker, lines.length);
    }
  }

  private read(worker: string, line: string): void {
    let m = START.exec(line);
    if (m) {
      const run: Run = { worker, id: m[1], attempt: Number(m[2]), key: m[3], lagMs: Number(m[4]), ended: false };
      const list = this.runs.get(run.key) ?? [];
      list.push(run);
      this.runs.set(run.key, list);
      this.open.set(`${worker} ${run.id} ${run.attempt}`, run);
      this.keyOf.set(run.id, run.key);
      this.startCount++;
      return;
    }
    m = END.exec(line);
    if (m) {
      const run = this.open.get(`${worker} ${m[1]} ${m[2]}`);
      if (run) {
        run.ended = true;
        this.endCount++;
      }
      this.open.delete(`${worker} ${m[1]} ${m[2]}`);
      return;
    }
    m = ABORT.exec(line);
    if (m) {
      const run = this.open.get(`${worker} ${m[1]} ${m[2]}`);
      if (run) run.abort = m[3];
    }
  }

  /** Number of handler starts read so far. */
  starts(): number {
    return this.startCount;
  }

  /** Number of handler returns read so far. */
  ends(): number {
    return this.endCount;
  }

  /**
   * SIGKILLs a worker and records what was active on it: the handlers it had
   * started and not finished (its lines, read to the end), and the tasks Redis
   * still shows leased to it (whose outcome it had not recorded yet). A dead
   * worker renews nothing, so its leases stay put until they run out (one
   * lease, at least two thirds of it after the kill), long after this read.
   */
  async kill(worker: FaultChild, admin: Redis): Promise<KillRecord> {
    await worker.kill();
    const leasedIds = await this.leasedTo(worker.pid, admin);
    this.sync();
    const running = new Set<string>();
    for (const run of this.open.values()) if (run.worker === worker.name) running.add(run.key);
    const record: KillRecord = { worker: worker.name, running, leasedIds };
    this.kills.push(record);
    return record;
  }

  /**
   * Ids of tasks in the active set whose lease token is this process's. A
   * lease token is `<worker token>:<attempt>` and the worker token starts with
   * the worker's pid in base 36 (lib/worker/worker-host.ts), so it names the
   * process without any help from the worker.
   */
  private async leasedTo(pid: number, admin: Redis): Promise<Set<string>> {
    const ids = await admin.zrange(this.keys.active, 0, -1);
    const owner = `${pid.toString(36)}.`;
    const pipeline = admin.pipeline();
    for (const id of ids) pipeline.hget(this.keys.task(id), 'lk');
    const replies = (await pipeline.exec()) ?? [];
    const leased = new Set<string>();
    replies.forEach(([error, lk], i) => {
      if (error) throw error;
      if (typeof lk === 'string' && lk.startsWith(owner)) leased.add(ids[i]);
    });
    return leased;
  }

  /** Keys leased to the killed worker at its kill (ids the ledger cannot name stay as `id:<id>`). */
  leasedKeys(kill: KillRecord): Set<string> {
    return new Set([...kill.leasedIds].map((id) => this.keyOf.get(id) ?? `id:${id}`));
  }

  /** Keys active on this killed worker at its kill: its handler running, or leased to it. */
  activeAt(kill: KillRecord): Set<string> {
    return new Set([...kill.running, ...this.leasedKeys(kill)]);
  }

  /** Keys that were active on some killed worker at its kill. */
  activeAtKills(): Set<string> {
    const all = new Set<string>();
    for (const kill of this.kills) for (const key of this.activeAt(kill)) all.add(key);
    return all;
  }

  /**
   * Keys whose handler ran more often than the task's own failures explain:
   * started more than once, less the attempts that failed by timing out
   * (a retry the policy asked for is not a duplicate).
   */
  duplicates(): Set<string> {
    const found = new Set<string>();
    for (const [key, list] of this.runs) {
      const failed = list.filter((r) => r.abort === 'TaskTimeoutError').length;
      if (list.length > failed + 1) found.add(key);
    }
    return found;
  }

  /** Enqueue-to-start latencies (ms) of first runs, for keys matching `filter`. */
  latencies(filter: (key: string) => boolean = () => true): number[] {
    const out: number[] = [];
    for (const [key, list] of this.runs) if (filter(key) && list[0].lagMs >= 0) out.push(list[0].lagMs);
    return out;
  }
}

/** The p-th percentile (0..100) of `values`, nearest rank; NaN when empty. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
