/**
 * One measurement in a fresh process: `node bench/.build/scenario.js <lib> <scenario> <params-json>`.
 * Prints one line `BENCH_RESULT {metrics}` on stdout (libraries may print other lines).
 * <lib> is ours | bullmq | bee, or redis for the ceiling.
 */
import type { LibraryAdapter } from './adapters/library-adapter.js';
import { ceiling } from './scenarios/ceiling.scenario.js';
import { enqueueBulk, enqueueOne } from './scenarios/enqueue.scenarios.js';
import { delayed, latency } from './scenarios/latency.scenarios.js';
import { processing } from './scenarios/processing.scenario.js';
import { commands, memory } from './scenarios/redis-cost.scenarios.js';
import type { Metrics, Scenario } from './scenarios/scenario-types.js';
import { RESULT_MARKER } from './support/result-line.js';

// Loaded on demand: a process measuring one library loads no other (no Nest in a BullMQ run).
const adapters: Record<string, () => Promise<LibraryAdapter>> = {
  ours: async () => (await import('./adapters/ours.adapter.js')).oursAdapter,
  bullmq: async () => (await import('./adapters/bullmq.adapter.js')).bullmqAdapter,
  bee: async () => (await import('./adapters/bee.adapter.js')).beeAdapter,
};

// Each scenario declares its own parameters; the orchestrator's plan supplies them as JSON.
const scenarios: Record<string, Scenario<any>> = { enqueueOne, enqueueBulk, processing, latency, delayed, memory, commands };

async function main(): Promise<Metrics> {
  const [lib, name, json] = process.argv.slice(2);
  const params = JSON.parse(json ?? '{}');
  if (lib === 'redis' && name === 'ceiling') return ceiling(params);
  // `--otel` on the orchestrator: an OpenTelemetry SDK registered before the library loads, as in an app.
  if (process.env.BENCH_OTEL === '1') (await import('./support/otel-sdk.js')).registerOtelSdk();
  // The Cluster row's scenario (see cluster-run.ts): ours only, on the connection it is given.
  if (lib === 'ours' && name === 'queueSpread') return (await import('./scenarios/queue-spread.scenario.js')).queueSpread(params);
  const load = adapters[lib];
  const scenario = scenarios[name];
  if (!load || !scenario) throw new Error(`usage: scenario.js <ours|bullmq|bee> <${Object.keys(scenarios).join('|')}> <params-json>, or: redis ceiling <params-json>`);
  return scenario(await load(), params);
}

main().then(
  (metrics) => {
    // Exit at once: a library's stray timer must not hold the measurement up (connections are already closed).
    process.stdout.write(`${RESULT_MARKER}${JSON.stringify(metrics)}\n`, () => process.exit(0));
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
