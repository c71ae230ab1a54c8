/**
 * The benchmark's rows (issue 3) and the measurements behind them. One
 * measurement runs one scenario per library in a fresh process; its metrics
 * fill one or more rows. `quick` keeps every row but with small counts.
 */
export type Lib = 'ours' | 'bullmq' | 'bee';
export const LIBS: readonly Lib[] = ['ours', 'bullmq', 'bee'];

export interface RowSpec {
  label: string;
  unit: string;
  metric: string;
  better: 'higher' | 'lower';
}

export interface Measurement {
  /** Short name for the status line and --only. */
  id: string;
  scenario: string;
  /** Libraries it runs, or 'redis' for the ceiling (no library). */
  libs: readonly Lib[] | 'redis';
  params: Record<string, unknown>;
  rows: RowSpec[];
  /** The child is killed after this long. */
  timeoutMs: number;
}

const perSec = (label: string, metric = 'tasksPerSec'): RowSpec => ({ label, unit: 'tasks/s', metric, better: 'higher' });

export function buildPlan(quick: boolean): Measurement[] {
  const q = <T>(full: T, small: T): T => (quick ? small : full);
  const minutes = (n: number) => n * 60_000;
  const processing = (id: string, label: string, concurrency: number, retention: string, total: number, measure = total): Measurement => ({
    id,
    scenario: 'processing',
    libs: LIBS,
    params: { total, measure, concurrency, retention, timeoutMs: minutes(5) },
    rows: [perSec(label)],
    timeoutMs: minutes(q(15, 2)),
  });
  /** Enqueue one at a time, 50 calls in flight: `count` tasks after `warmup` untimed calls. */
  const enqueueOne = (id: string, label: string, count: number, warmup: number): Measurement => ({
    id,
    scenario: 'enqueueOne',
    libs: LIBS,
    params: { count, inFlight: 50, warmup },
    rows: [perSec(label)],
    timeoutMs: minutes(q(5, 1)),
  });
  /** Delayed tasks spread over 0.5 s to `maxMs`: lateness p50 and p99. */
  const delayed = (id: string, count: number, spread: string, maxMs: number): Measurement => ({
    id,
    scenario: 'delayed',
    libs: LIBS,
    params: { count, minMs: 500, maxMs, concurrency: 10 },
    rows: [
      { label: `delayed tasks, ${spread}, lateness p50`, unit: 'ms', metric: 'p50', better: 'lower' },
      { label: `delayed tasks, ${spread}, lateness p99`, unit: 'ms', metric: 'p99', better: 'lower' },
    ],
    timeoutMs: minutes(2),
  });
  const plan: Measurement[] = [
    enqueueOne('enqueue-one', 'enqueue, one at a time, 50 in flight', q(20_000, 2_000), 500),
    // The same once the producer is warm: a long-running service's producer.
    enqueueOne('enqueue-one-warm', `enqueue, one at a time, 50 in flight, after ${q('10,000', '1,000')} warm-up calls`, q(100_000, 5_000), q(10_000, 1_000)),
    // A producer that has run long. Ours runs slower for about its first 90,000 calls: its
    // per-batch code (once per 25 or so tasks) is compiled late, and while it is the slower
    // side each batch's write wakes a waiting Redis; 10,000 calls end inside that (RESULTS.md).
    enqueueOne('enqueue-one-long', `enqueue, one at a time, 50 in flight, after ${q('100,000', '5,000')} warm-up calls`, q(100_000, 5_000), q(100_000, 5_000)),
    {
      id: 'enqueue-bulk',
      scenario: 'enqueueBulk',
      libs: LIBS,
      params: { count: q(100_000, 10_000), batch: 1_000 },
      rows: [perSec('enqueue in bulk, batches of 1,000')],
      timeoutMs: minutes(q(5, 1)),
    },
    processing('process-c1', 'processing, concurrency 1, completed removed', 1, 'removed', q(20_000, 2_000)),
    processing('process-c10', 'processing, concurrency 10, completed removed', 10, 'removed', q(20_000, 2_000)),
    processing('process-c100', 'processing, concurrency 100, completed removed', 100, 'removed', q(20_000, 2_000)),
    processing('process-kept', 'processing, concurrency 10, default retention', 10, 'default', q(20_000, 2_000)),
    {
      id: 'latency',
      scenario: 'latency',
      libs: LIBS,
      params: { ratePerSec: 500, seconds: q(10, 1.5), warmup: 250, concurrency: 10 },
      rows: [
        { label: 'enqueue-to-start latency at 500/s, c=10, p50', unit: 'ms', metric: 'p50', better: 'lower' },
        { label: 'enqueue-to-start latency at 500/s, c=10, p99', unit: 'ms', metric: 'p99', better: 'lower' },
      ],
      timeoutMs: minutes(2),
    },
    delayed('delayed', q(1_000, 200), q('1,000 over 0.5-3 s', '200 over 0.5-1.5 s'), q(3_000, 1_500)),
    // Under load: ten times as many delayed tasks in the same window, about 4,000 coming due each second.
    delayed('delayed-10k', q(10_000, 2_000), q('10,000 over 0.5-3 s', '2,000 over 0.5-1.5 s'), q(3_000, 1_500)),
    {
      id: 'memory',
      scenario: 'memory',
      libs: LIBS,
      params: { count: q(100_000, 10_000) },
      rows: [
        { label: `Redis memory per waiting task (${q('100,000', '10,000')} waiting), used_memory delta`, unit: 'bytes', metric: 'bytesPerTask', better: 'lower' },
        // The same, from MEMORY USAGE of the run's own keys: blind to other clients of a shared Redis.
        { label: `Redis memory per waiting task, MEMORY USAGE of its keys`, unit: 'bytes', metric: 'keyBytesPerTask', better: 'lower' },
      ],
      timeoutMs: minutes(q(5, 1)),
    },
    {
      id: 'commands',
      scenario: 'commands',
      libs: LIBS,
      params: { count: q(5_000, 1_000) },
      rows: [
        { label: 'Redis commands per task (enqueue + process)', unit: 'commands', metric: 'commandsPerTask', better: 'lower' },
        { label: 'round trips per task (enqueue + process)', unit: 'round trips', metric: 'roundTripsPerTask', better: 'lower' },
      ],
      timeoutMs: minutes(q(5, 1)),
    },
    processing('scale-1k', 'scaling: processing, c=10, 1,000 waiting', 10, 'removed', q(11_000, 3_000), q(10_000, 2_000)),
  ];
  if (!quick) plan.push(processing('scale-1m', 'scaling: processing, c=10, 1,000,000 waiting', 10, 'removed', 1_010_000, 10_000));
  const ceiling = (id: string, label: string, mode: string, count: number): Measurement => ({
    id,
    scenario: 'ceiling',
    libs: 'redis',
    params: { mode, count, inFlight: 50, batch: 1_000 },
    rows: [{ label, unit: 'calls/s', metric: 'callsPerSec', better: 'higher' }],
    timeoutMs: minutes(2),
  });
  plan.push(
    ceiling('ceiling-serial', 'ceiling: trivial EVALSHA, one per round trip', 'serial', q(20_000, 3_000)),
    ceiling('ceiling-50', 'ceiling: trivial EVALSHA, 50 in flight', 'in-flight', q(100_000, 10_000)),
    ceiling('ceiling-pipelined', 'ceiling: trivial EVALSHA, pipelined by 1,000', 'pipelined', q(500_000, 50_000)),
  );
  return plan;
}

/**
 * The Redis Cluster row (issue 9), run by `npm run bench:cluster` (cluster-run.ts),
 * which starts its own servers: the same load, six queues with concurrency 100
 * each, against a 3-master cluster and against one Redis; the row is their ratio.
 */
export function buildClusterMeasurement(quick: boolean) {
  const perQueue = quick ? 3_000 : 20_000;
  return {
    id: 'cluster-spread',
    scenario: 'queueSpread',
    params: { perQueue, measure: Math.floor(perQueue * 6 * 0.9), concurrency: 100, timeoutMs: 5 * 60_000 },
    label: '6 queues over 3 Cluster masters vs one Redis, c=100 per queue, completed removed',
    timeoutMs: 10 * 60_000,
  };
}
