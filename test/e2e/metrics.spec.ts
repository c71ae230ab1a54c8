import { Injectable } from '@nestjs/common';
import { metrics } from '@opentelemetry/api';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader, type DataPoint, type Histogram } from '@opentelemetry/sdk-metrics';
import { TaskContext, TaskHandler } from '../../lib/index.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';
import { sleep, waitUntil } from '../utils/wait.js';

// The OpenTelemetry metrics with the SDK's metric reader, in a Nest app: what
// each counter, histogram and gauge says after a known set of tasks ran.

@Injectable()
class ShortLivedTasks {
  @TaskHandler('short.ok', { queue: 'short-lived' })
  ok() {
    return 'ok';
  }
}

@Injectable()
class MeteredTasks {
  @TaskHandler('metered.ok', { queue: 'metered' })
  ok() {
    return 'ok';
  }

  @TaskHandler('metered.flaky', { queue: 'metered', attempts: 2, backoff: { type: 'fixed', delay: 10 } })
  flaky(_payload: unknown, task: TaskContext) {
    if (task.attempt === 1) throw new Error('first attempt fails');
    return 'ok';
  }

  @TaskHandler('metered.doomed', { queue: 'metered', attempts: 1 })
  doomed() {
    throw new Error('always fails');
  }
}

type Points = Map<string, Array<DataPoint<number | Histogram>>>;

describe('metrics', () => {
  const prefix = uniquePrefix('metrics');
  let t: TaskApp;
  let provider: MeterProvider;
  let reader: PeriodicExportingMetricReader;

  /** Every data point of the last collection, by metric name. */
  async function collect(): Promise<Points> {
    const { resourceMetrics } = await reader.collect();
    const points: Points = new Map();
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const metric of scope.metrics) points.set(metric.descriptor.name, metric.dataPoints as Array<DataPoint<number | Histogram>>);
    }
    return points;
  }
  const sumOf = (points: Points, name: string, task?: string) =>
    (points.get(name) ?? [])
      .filter((p) => task === undefined || p.attributes['nestjs_redis_tasks.task.name'] === task)
      .reduce((n, p) => n + (typeof p.value === 'number' ? p.value : p.value.count), 0);

  beforeAll(async () => {
    reader = new PeriodicExportingMetricReader({ exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE), exportIntervalMillis: 3_600_000 });
    provider = new MeterProvider({ readers: [reader] });
    metrics.setGlobalMeterProvider(provider);
    t = await startTaskApp(prefix, [MeteredTasks], { metrics: { gaugeIntervalMs: 200 } });
  });
  afterAll(async () => {
    await t.close();
    await provider.shutdown();
    metrics.disable();
    await removePrefix(prefix);
  });

  it('counts enqueues, completions, failed attempts, retries and dead tasks by queue and name, with durations and waits', async () => {
    const refs = await t.queue.enqueueMany([
      { name: 'metered.ok', payload: 1 },
      { name: 'metered.ok', payload: 2 },
      { name: 'metered.flaky', payload: 3 },
      { name: 'metered.doomed', payload: 4 },
    ]);
    // An idempotent enqueue of an existing id adds nothing and counts nothing.
    await t.queue.enqueue('metered.ok', 5, { id: refs[0].id, queue: 'metered' });
    await Promise.allSettled(refs.map((ref) => t.queue.waitFor(ref, { timeout: 5_000 })));

    const points = await waitUntil(async () => {
      const p = await collect();
      return sumOf(p, 'nestjs_redis_tasks.task.process.duration') === 5 ? p : null;
    }, 'five attempts to be recorded');
    expect(sumOf(points, 'nestjs_redis_tasks.tasks.enqueued')).toBe(4);
    expect(sumOf(points, 'nestjs_redis_tasks.tasks.enqueued', 'metered.ok')).toBe(2);
    expect(sumOf(points, 'nestjs_redis_tasks.tasks.completed')).toBe(3);
    expect(sumOf(points, 'nestjs_redis_tasks.tasks.failed_attempts')).toBe(2);
    expect(sumOf(points, 'nestjs_redis_tasks.tasks.retried', 'metered.flaky')).toBe(1);
    expect(sumOf(points, 'nestjs_redis_tasks.tasks.dead', 'metered.doomed')).toBe(1);
    expect(sumOf(points, 'nestjs_redis_tasks.task.wait.duration')).toBe(5);

    const durations = points.get('nestjs_redis_tasks.task.process.duration')!;
    expect(new Set(durations.map((p) => p.attributes['nestjs_redis_tasks.task.outcome']))).toEqual(new Set(['completed', 'retry', 'dead']));
    for (const point of durations) expect(point.attributes['messaging.destination.name']).toBe('metered');
  });

  it('counts the occurrence tasks a schedule firing of this app added as enqueued', async () => {
    const before = sumOf(await collect(), 'nestjs_redis_tasks.tasks.enqueued', 'metered.ok');
    const occurrences = async () => (await t.queue.list('completed', { queue: 'metered', limit: 1_000 })).filter((task) => task.id.startsWith('metered-tick@'));
    await t.queue.schedule('metered-tick', 'metered.ok', 0, { every: 200 });
    await waitUntil(async () => (await occurrences()).length >= 2, 'two occurrences to run', 10_000);
    await t.queue.unschedule('metered-tick');
    // A firing pass already on its way may still add one: let it finish and its task complete.
    await sleep(500);
    await waitUntil(async () => (await t.queue.counts('metered')).waiting === 0, 'the queue to be empty');
    const fired = (await occurrences()).length;
    expect(sumOf(await collect(), 'nestjs_redis_tasks.tasks.enqueued', 'metered.ok') - before).toBe(fired);
  });

  it('reports the queue gauges, fleet-wide counts at most gaugeIntervalMs old', async () => {
    await t.queue.pause('metered');
    await t.queue.enqueueMany([1, 2, 3].map((n) => ({ name: 'metered.ok', payload: n })));
    await t.queue.enqueue('metered.ok', 0, { delay: 60_000 });
    const gauge = (p: Points, name: string) => (p.get(`nestjs_redis_tasks.queue.${name}`) ?? []).find((x) => x.attributes['messaging.destination.name'] === 'metered')?.value;
    const points = await waitUntil(async () => {
      const p = await collect();
      return gauge(p, 'waiting') === 3 ? p : null;
    }, 'the waiting gauge to show 3');
    expect({ delayed: gauge(points, 'delayed'), active: gauge(points, 'active'), dead: gauge(points, 'dead') }).toEqual({ delayed: 1, active: 0, dead: 1 });
    await t.queue.resume('metered');
  });

  it("takes a closed app's gauges off the SDK's meter, and its counters after one last collection, while the app still open goes on reporting", async () => {
    // Delta temporality: a collection shows only what its callbacks observed (a cumulative one repeats the last values it saw).
    const deltaReader = new PeriodicExportingMetricReader({ exporter: new InMemoryMetricExporter(AggregationTemporality.DELTA), exportIntervalMillis: 3_600_000 });
    const deltaProvider = new MeterProvider({ readers: [deltaReader] });
    metrics.disable();
    metrics.setGlobalMeterProvider(deltaProvider);
    const observed = async (queue: string) => {
      const { resourceMetrics } = await deltaReader.collect();
      return resourceMetrics.scopeMetrics
        .flatMap((scope) => scope.metrics)
        .filter((metric) => metric.descriptor.name.startsWith('nestjs_redis_tasks.queue.') || metric.descriptor.name.startsWith('nestjs_redis_tasks.tasks.'))
        .flatMap((metric) => metric.dataPoints.filter((point) => point.attributes['messaging.destination.name'] === queue).map(() => metric.descriptor.name));
    };
    const other = await startTaskApp(`${prefix}-other`, [ShortLivedTasks], { metrics: { gaugeIntervalMs: 200 } });
    try {
      await other.queue.waitFor(await other.queue.enqueue('short.ok', 1, { queue: 'short-lived' }), { timeout: 5_000 });
      // The app still open moves to the new SDK at its next task.
      await t.queue.waitFor(await t.queue.enqueue('metered.ok', 9, { queue: 'metered' }), { timeout: 5_000 });
      await waitUntil(async () => (await observed('short-lived')).includes('nestjs_redis_tasks.queue.waiting'), "the other app's gauges to be reported");
    } finally {
      await other.close();
      await removePrefix(`${prefix}-other`);
    }
    try {
      // The collection after the close reports the closed app's counters one last time, and no gauge; the next, nothing.
      expect([...new Set(await observed('short-lived'))].sort()).toEqual(['nestjs_redis_tasks.tasks.completed', 'nestjs_redis_tasks.tasks.enqueued']);
      await sleep(10);
      expect(await observed('short-lived')).toEqual([]);
      expect(await observed('metered')).toContain('nestjs_redis_tasks.queue.waiting');
    } finally {
      await deltaProvider.shutdown();
    }
  });

  it('exports what was counted since the last export when the app is closed before the SDK shuts down', async () => {
    // The usual order: app.close() (SIGTERM), then the SDK's shutdown, which exports one last time.
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const lastReader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
    const lastProvider = new MeterProvider({ readers: [lastReader] });
    metrics.disable();
    metrics.setGlobalMeterProvider(lastProvider);
    const other = await startTaskApp(`${prefix}-last`, [ShortLivedTasks]);
    try {
      for (let n = 0; n < 3; n++) await other.queue.waitFor(await other.queue.enqueue('short.ok', n, { queue: 'short-lived' }), { timeout: 5_000 });
    } finally {
      await other.close();
      await removePrefix(`${prefix}-last`);
    }
    await lastProvider.shutdown();
    const exported = exporter
      .getMetrics()
      .flatMap((resource) => resource.scopeMetrics.flatMap((scope) => scope.metrics))
      .flatMap((metric) => metric.dataPoints.filter((point) => point.attributes['messaging.destination.name'] === 'short-lived').map((point) => [metric.descriptor.name, point.value]));
    expect(exported).toEqual(
      expect.arrayContaining([
        ['nestjs_redis_tasks.tasks.enqueued', 3],
        ['nestjs_redis_tasks.tasks.completed', 3],
      ]),
    );
  });
});
