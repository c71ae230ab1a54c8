import { metrics } from '@opentelemetry/api';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { QueueGauges } from '../../../lib/engine/task-maintenance.js';
import { QueueGaugeSet } from '../../../lib/telemetry/queue-gauges.js';

// The gauges read a queue's counts at most once per interval however often
// they are collected, report every watched queue, and report no counts for a
// queue whose read failed (rather than stale counts), while the counts' age
// goes on growing: most SDKs export the last counts they saw, and the age is
// what tells they are stale.

function gaugeValues(collected: ResourceMetrics): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const scope of collected.scopeMetrics) {
    for (const metric of scope.metrics) {
      for (const point of metric.dataPoints) {
        const queue = String(point.attributes['messaging.destination.name']);
        (out[queue] ??= {})[metric.descriptor.name] = point.value as number;
      }
    }
  }
  return out;
}

describe('QueueGaugeSet', () => {
  let provider: MeterProvider;
  let reader: PeriodicExportingMetricReader;
  const reads: string[] = [];
  let failing = false;

  const read = async (queue: string): Promise<QueueGauges> => {
    reads.push(queue);
    if (failing) throw new Error('Redis is down');
    return { waiting: queue.length, delayed: 1, active: 2, dead: 3 };
  };

  beforeEach(() => {
    reads.length = 0;
    failing = false;
    reader = new PeriodicExportingMetricReader({ exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE), exportIntervalMillis: 3_600_000 });
    provider = new MeterProvider({ readers: [reader] });
  });
  afterEach(async () => {
    await provider.shutdown();
    metrics.disable();
  });

  it('reads each watched queue once per interval, however often it is collected', async () => {
    const gauges = new QueueGaugeSet(read, 60_000);
    gauges.watch('mail');
    gauges.watch('reports');
    gauges.install(provider.getMeter('test'));
    const first = await reader.collect();
    await reader.collect();
    await reader.collect();
    expect(reads.sort()).toEqual(['mail', 'reports']);
    const counts = { 'nestjs_redis_tasks.queue.delayed': 1, 'nestjs_redis_tasks.queue.active': 2, 'nestjs_redis_tasks.queue.dead': 3, 'nestjs_redis_tasks.queue.counts_age': expect.any(Number) };
    expect(gaugeValues(first.resourceMetrics)).toEqual({
      mail: { 'nestjs_redis_tasks.queue.waiting': 4, ...counts },
      reports: { 'nestjs_redis_tasks.queue.waiting': 7, ...counts },
    });
  });

  it('reports the growing age, and no counts, while a read goes unanswered (a Redis that hangs), without holding the collection', async () => {
    let answer!: (gauges: QueueGauges) => void;
    let hanging = false;
    const hangs = async (queue: string): Promise<QueueGauges> => {
      if (!hanging) return read(queue);
      reads.push(queue);
      return new Promise((resolve) => (answer = resolve));
    };
    let callback!: (result: { observe(gauge: { name: string }, value: number): void }) => Promise<void>;
    const meter = { createObservableGauge: (name: string) => ({ name }), addBatchObservableCallback: (cb: typeof callback) => (callback = cb) };
    const gauges = new QueueGaugeSet(hangs, 10, 50);
    gauges.watch('mail');
    gauges.install(meter as never);
    const observe = async () => {
      const seen = new Map<string, number>();
      await callback({ observe: (gauge, value) => seen.set(gauge.name.replace('nestjs_redis_tasks.queue.', ''), value) });
      return seen;
    };
    expect((await observe()).get('waiting')).toBe(4);
    hanging = true;
    await new Promise((resolve) => setTimeout(resolve, 20));
    // The collection ends after the wait (50 ms here), with the age alone: at least the 20 ms since the last read.
    const frozen = await observe();
    expect([...frozen.keys()]).toEqual(['counts_age']);
    expect(frozen.get('counts_age')).toBeGreaterThanOrEqual(20);
    const later = await observe();
    expect([...later.keys()]).toEqual(['counts_age']);
    expect(later.get('counts_age')).toBeGreaterThan(frozen.get('counts_age')!);
    // One read at a time: the hung one is not repeated while it waits.
    expect(reads).toEqual(['mail', 'mail']);
    answer({ waiting: 9, delayed: 0, active: 0, dead: 0 });
    await new Promise((resolve) => setImmediate(resolve));
    expect((await observe()).get('waiting')).toBe(9);
  });

  it('reads again once the interval has passed, and observes nothing for a queue it could not read', async () => {
    // A meter that only captures the batch callback, so each observation is seen as the set makes it.
    let callback!: (result: { observe(gauge: { name: string }, value: number): void }) => Promise<void>;
    const meter = {
      createObservableGauge: (name: string) => ({ name }),
      addBatchObservableCallback: (cb: typeof callback) => (callback = cb),
    };
    // The set's clock is Date.now: driven by hand here, so a slow machine cannot pass the interval early.
    let clock = 1_000_000;
    const now = jest.spyOn(Date, 'now').mockImplementation(() => clock);
    const gauges = new QueueGaugeSet(read, 20);
    gauges.watch('mail');
    gauges.install(meter as never);
    const observe = async () => {
      const seen: string[] = [];
      await callback({ observe: (gauge, value) => seen.push(`${gauge.name.replace('nestjs_redis_tasks.queue.', '')} ${value}`) });
      return seen;
    };
    try {
      expect(await observe()).toEqual(['counts_age 0', 'waiting 4', 'delayed 1', 'active 2', 'dead 3']);
      clock += 19;
      expect(await observe()).toEqual(['counts_age 19', 'waiting 4', 'delayed 1', 'active 2', 'dead 3']);
      clock += 11;
      failing = true;
      expect(await observe()).toEqual(['counts_age 30']);
      clock += 5_000;
      expect(await observe()).toEqual(['counts_age 5030']);
      expect(reads).toEqual(['mail', 'mail', 'mail']);
      failing = false;
      expect(await observe()).toEqual(['counts_age 0', 'waiting 4', 'delayed 1', 'active 2', 'dead 3']);
    } finally {
      now.mockRestore();
    }
  });
});
