/**
 * The benchmark orchestrator: `npm run bench [-- --quick] [-- --json]`.
 * Runs every measurement of the plan in fresh child processes, alternating
 * the libraries (ours, BullMQ, bee-queue; ours, BullMQ, bee-queue; ...), deletes
 * each run's keys by its prefix, then prints the table (or JSON).
 * Extra flags: --runs=N (runs per library), --only=id,id (measurements of plan.ts),
 * --libs=ours,bullmq (only these libraries; the Redis ceiling always runs with --only naming it),
 * --otel (an OpenTelemetry SDK registered in every scenario process: the cost of tracing and metrics),
 * --chart=FILE (also writes the throughput rows as an SVG bar chart to FILE).
 */
import { Redis } from 'ioredis';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { renderThroughputChart } from './support/chart.js';
import { buildPlan, type Lib, type Measurement } from './plan.js';
import { killRunningChild, runChild } from './support/child-runner.js';
import { describeEnvironment, environmentLine } from './support/environment.js';
import { snapshotPackage } from './support/package-snapshot.js';
import { deletePrefix } from './support/redis-prefix.js';
import { ratio, summarize } from './support/stats.js';
import { StatusLine } from './support/status-line.js';
import { renderTable, type ResultRow } from './support/table.js';

type Runner = Lib | 'redis';
type Collected = Map<string, Map<Runner, { values: Record<string, number>[]; errors: string[] }>>;

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const args = process.argv.slice(2);
const flag = (name: string) => args.find((a) => a === `--${name}` || a.startsWith(`--${name}=`))?.split('=')[1];
const quick = args.includes('--quick');
const json = args.includes('--json');
const runs = Number(flag('runs') ?? (quick ? 1 : 3));
const only = flag('only')?.split(',');
const libs = flag('libs')?.split(',');
// Read by scenario.js in each child (children inherit the environment).
if (args.includes('--otel')) process.env.BENCH_OTEL = '1';

const status = new StatusLine();
let currentPrefix: string | null = null;

async function measureAll(redis: Redis, plan: Measurement[]): Promise<Collected> {
  const collected: Collected = new Map();
  const steps = plan.reduce((n, m) => n + runs * (m.libs === 'redis' ? 1 : m.libs.length), 0);
  let step = 0;
  let seq = 0;
  for (const m of plan) {
    const runners: Runner[] = m.libs === 'redis' ? ['redis'] : [...m.libs];
    const byRunner = new Map(runners.map((r) => [r, { values: [] as Record<string, number>[], errors: [] as string[] }]));
    collected.set(m.id, byRunner);
    for (let run = 1; run <= runs; run++) {
      for (const runner of runners) {
        step++;
        currentPrefix = `bench-${process.pid}-${++seq}`;
        status.update(`[${step}/${steps}] ${m.id} · ${runner} · run ${run}/${runs}`);
        const params = { ...m.params, redisUrl: REDIS_URL, prefix: currentPrefix };
        const outcome = await runScenario(runner, m, params);
        status.update(`[${step}/${steps}] ${m.id} · ${runner} · run ${run}/${runs} · deleting its keys`);
        await deletePrefix(redis, currentPrefix);
        currentPrefix = null;
        const slot = byRunner.get(runner)!;
        if (outcome.metrics) slot.values.push(outcome.metrics);
        else slot.errors.push(outcome.error ?? 'no result');
      }
    }
  }
  return collected;
}

/** One child run of one scenario. */
function runScenario(runner: Runner, m: Measurement, params: Record<string, unknown>) {
  return runChild(join(__dirname, 'scenario.js'), [runner, m.scenario, JSON.stringify(params)], m.timeoutMs);
}

function toRows(plan: Measurement[], collected: Collected): ResultRow[] {
  return plan.flatMap((m) =>
    m.rows.map((spec) => {
      const figure = (runner: Runner) => summarize((collected.get(m.id)?.get(runner)?.values ?? []).map((v) => v[spec.metric]));
      if (m.libs === 'redis') {
        return { row: spec.label, unit: spec.unit, better: spec.better, ours: undefined, bullmq: undefined, bee: undefined, ratio: null, ratioBee: null, redis: figure('redis') };
      }
      // undefined: the library does not have the feature (n/a); null: its runs failed.
      const ours = m.libs.includes('ours') ? figure('ours') : undefined;
      const bullmq = m.libs.includes('bullmq') ? figure('bullmq') : undefined;
      const bee = m.libs.includes('bee') ? figure('bee') : undefined;
      const vs = (other: typeof ours) => ratio(ours?.median ?? null, other?.median ?? null, spec.better);
      return { row: spec.label, unit: spec.unit, better: spec.better, ours, bullmq, bee, ratio: vs(bullmq), ratioBee: vs(bee) };
    }),
  );
}

function asJson(rows: ResultRow[]): string {
  const range = (s: { min: number; max: number } | null | undefined) => (s ? [s.min, s.max] : null);
  const objects = rows.map((r) => ({
    row: r.row,
    unit: r.unit,
    ours: r.ours?.median ?? null,
    bullmq: r.bullmq?.median ?? null,
    bee: r.bee?.median ?? null,
    ratio: r.ratio,
    ratioBee: r.ratioBee,
    oursRange: range(r.ours),
    bullmqRange: range(r.bullmq),
    beeRange: range(r.bee),
    ...(r.redis !== undefined ? { redis: r.redis?.median ?? null, redisRange: range(r.redis) } : {}),
  }));
  // One JSON document, one row object per line.
  return `[\n${objects.map((o) => `  ${JSON.stringify(o)}`).join(',\n')}\n]`;
}

async function main(): Promise<number> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  process.on('SIGINT', () => {
    status.clear();
    const prefix = currentPrefix;
    void killRunningChild()
      .then(() => (prefix ? deletePrefix(redis, prefix) : 0))
      .finally(() => process.exit(130));
  });
  try {
    const env = await describeEnvironment(redis, snapshotPackage(__dirname));
    const plan = buildPlan(quick)
      .filter((m) => !only || only.includes(m.id))
      .map((m) => (libs && m.libs !== 'redis' ? { ...m, libs: m.libs.filter((lib) => libs.includes(lib)) } : m))
      .filter((m) => m.libs === 'redis' ? !libs || (only?.includes(m.id) ?? false) : m.libs.length > 0);
    const started = Date.now();
    const collected = await measureAll(redis, plan);
    status.clear();
    const rows = toRows(plan, collected);
    const chart = flag('chart');
    if (chart) {
      const day = new Date().toISOString().slice(0, 10);
      const title = `Throughput, tasks/s (median of ${runs} runs, ${day}, ${env.cores} cores, Redis ${env.redis})`;
      writeFileSync(resolve(process.env.INIT_CWD ?? process.cwd(), chart), renderThroughputChart(rows, title));
    }
    const failures = [...collected].flatMap(([id, byRunner]) => [...byRunner].flatMap(([runner, r]) => r.errors.map((e) => `${id} / ${runner}: ${e}`)));
    if (json) {
      process.stdout.write(`${asJson(rows)}\n`);
    } else {
      const minutes = ((Date.now() - started) / 60_000).toFixed(1);
      // "full" and "quick" name the sizes; a narrowed run says what it left out.
      const sizes = quick ? 'quick sizes' : 'full sizes';
      const scope = [only ? `rows ${only.join(', ')}` : 'every row', libs ? `libraries ${libs.join(', ')}` : null].filter(Boolean).join(', ');
      process.stdout.write(`\n${environmentLine(env, REDIS_URL)}\n${sizes}, ${scope}, ${runs} run(s) per library, ${minutes} min\n\n`);
      process.stdout.write(`${renderTable(rows, runs)}\n`);
    }
    for (const failure of failures) process.stderr.write(`failed: ${failure}\n`);
    return failures.length > 0 ? 1 : 0;
  } finally {
    redis.disconnect();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    status.clear();
    process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
