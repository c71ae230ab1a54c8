/**
 * The Redis Cluster row: `npm run bench:cluster [-- --quick] [-- --runs=N]`.
 * Starts its own servers (a 3-master Redis Cluster and one Redis with the same
 * settings, on free loopback ports), runs the queueSpread scenario against
 * each in fresh child processes, alternating, and prints both rates and their
 * ratio. Stops only the servers it started.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildClusterMeasurement } from './plan.js';
import { runChild } from './support/child-runner.js';
import { startRedisServer } from './support/redis-server.js';
import { summarize } from './support/stats.js';

// The test suite's cluster starter (plain CommonJS), from the package root.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startCluster } = require(join(__dirname, '..', '..', 'test', 'utils', 'redis-cluster.cjs')) as {
  startCluster(o: { masters: number; replicasPerMaster: number }): Promise<{ nodes: string; stop(): Promise<void> }>;
};

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const runs = Number(args.find((a) => a.startsWith('--runs='))?.split('=')[1] ?? (quick ? 1 : 3));

/** One redis-server with the cluster nodes' settings (no persistence), stopped by its own pid. */
async function startSingle(): Promise<{ url: string; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'redis-tasks-bench-single-'));
  const server = await startRedisServer({ extraArgs: ['--dir', dir] });
  return {
    url: `redis://127.0.0.1:${server.port}`,
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function main(): Promise<number> {
  const m = buildClusterMeasurement(quick);
  const cluster = await startCluster({ masters: 3, replicasPerMaster: 0 });
  const single = await startSingle();
  const stopAll = () => Promise.all([cluster.stop(), single.stop()]);
  process.once('SIGINT', () => void stopAll().finally(() => process.exit(130)));
  const topologies = {
    cluster: { cluster: cluster.nodes.split(',').map((node) => `redis://${node}`) },
    single: single.url,
  } as const;
  const rates: Record<keyof typeof topologies, number[]> = { cluster: [], single: [] };
  const cores: Record<keyof typeof topologies, Array<{ redis: number; worker: number }>> = { cluster: [], single: [] };
  try {
    for (let run = 1; run <= runs; run++) {
      for (const name of ['cluster', 'single'] as const) {
        process.stderr.write(`cluster row: run ${run}/${runs}, ${name}\n`);
        const params = { ...m.params, connection: topologies[name], prefix: `bench-cluster-${process.pid}-${run}-${name}` };
        const outcome = await runChild(join(__dirname, 'scenario.js'), ['ours', m.scenario, JSON.stringify(params)], m.timeoutMs);
        if (!outcome.metrics) throw new Error(`${name} run ${run} failed: ${outcome.error}`);
        rates[name].push(outcome.metrics.tasksPerSec);
        cores[name].push({ redis: outcome.metrics.redisCores, worker: outcome.metrics.workerCores });
      }
    }
  } finally {
    await stopAll();
  }
  const c = summarize(rates.cluster)!;
  const s = summarize(rates.single)!;
  process.stdout.write(
    `${m.label}, median of ${runs}: cluster ${c.median.toFixed(0)} tasks/s (${c.min.toFixed(0)}-${c.max.toFixed(0)}), ` +
      `one Redis ${s.median.toFixed(0)} tasks/s (${s.min.toFixed(0)}-${s.max.toFixed(0)}), ratio ${(c.median / s.median).toFixed(2)}x\n`,
  );
  for (const name of ['cluster', 'single'] as const) {
    const shown = cores[name].map((c) => `Redis ${c.redis.toFixed(2)}, worker ${c.worker.toFixed(2)}`).join('; ');
    process.stdout.write(`  ${name}: cores busy per run: ${shown}\n`);
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench:cluster failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
