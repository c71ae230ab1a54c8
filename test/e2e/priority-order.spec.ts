import { Injectable } from '@nestjs/common';
import { TaskHandler } from '../../lib/index.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';
import { waitUntil } from '../utils/wait.js';

@Injectable()
class OrderedTasks {
  readonly order: string[] = [];
  private gate: Promise<void> = Promise.resolve();
  release: () => void = () => undefined;

  /** Makes the next 'p.gate' run wait until `release()`. */
  hold(): void {
    this.gate = new Promise<void>((resolve) => {
      this.release = resolve;
    });
  }

  @TaskHandler('p.run')
  async run(payload: { label: string }) {
    this.order.push(payload.label);
  }

  @TaskHandler('p.gate')
  async wait() {
    this.order.push('gate');
    await this.gate;
  }
}

/** One task at a time, so the order of execution is the order of fetching. */
const ONE_AT_A_TIME = { worker: { concurrency: 1, leaseMs: 5_000, shutdownGraceMs: 2_000 } };

describe('priority order: higher first, FIFO among equal, default 0 between positive and negative', () => {
  const prefix = uniquePrefix('prio');
  let producer: TaskApp | undefined;
  let worker: TaskApp | undefined;

  afterEach(async () => {
    worker?.get(OrderedTasks).release();
    await producer?.close();
    await worker?.close();
    producer = worker = undefined;
    await removePrefix(prefix);
  });

  it('runs tasks queued before the worker started in priority order', async () => {
    producer = await startTaskApp(prefix, [], { worker: false });
    // label = expected position, then the priority it was given.
    const mix: Array<[string, number | undefined]> = [
      ['a:default', undefined],
      ['b:5', 5],
      ['c:-3', -3],
      ['d:5', 5],
      ['e:default', undefined],
      ['f:10', 10],
      ['g:-3', -3],
      ['h:max', 1_000_000],
      ['i:min', -1_000_000],
      ['j:0', 0],
      ['k:1', 1],
      ['l:-1', -1],
      ['m:default', undefined],
    ];
    for (const [label, priority] of mix) {
      await producer.queue.enqueue('p.run', { label }, priority === undefined ? {} : { priority });
    }
    expect((await producer.queue.counts()).waiting).toBe(mix.length);

    worker = await startTaskApp(prefix, [OrderedTasks], ONE_AT_A_TIME);
    const tasks = worker.get(OrderedTasks);
    await waitUntil(() => tasks.order.length === mix.length, `${mix.length} tasks to run`);
    expect(tasks.order).toEqual([
      'h:max',
      'f:10',
      'b:5',
      'd:5',
      'k:1',
      'a:default',
      'e:default',
      'j:0',
      'm:default',
      'l:-1',
      'c:-3',
      'g:-3',
      'i:min',
    ]);
  });

  it('keeps FIFO among equal priorities inside one enqueueMany batch and across batches', async () => {
    producer = await startTaskApp(prefix, [], { worker: false });
    await producer.queue.enqueueMany([
      { name: 'p.run', payload: { label: 'low-1' }, options: { priority: -1 } },
      { name: 'p.run', payload: { label: 'zero-1' } },
      { name: 'p.run', payload: { label: 'high-1' }, options: { priority: 2 } },
      { name: 'p.run', payload: { label: 'zero-2' } },
    ]);
    await producer.queue.enqueueMany([
      { name: 'p.run', payload: { label: 'high-2' }, options: { priority: 2 } },
      { name: 'p.run', payload: { label: 'low-2' }, options: { priority: -1 } },
      { name: 'p.run', payload: { label: 'zero-3' }, options: { priority: 0 } },
    ]);

    worker = await startTaskApp(prefix, [OrderedTasks], ONE_AT_A_TIME);
    const tasks = worker.get(OrderedTasks);
    await waitUntil(() => tasks.order.length === 7, '7 tasks to run');
    expect(tasks.order).toEqual(['high-1', 'high-2', 'zero-1', 'zero-2', 'zero-3', 'low-1', 'low-2']);
  });

  it('orders tasks added while the worker is busy by priority too', async () => {
    worker = await startTaskApp(prefix, [OrderedTasks], ONE_AT_A_TIME);
    const tasks = worker.get(OrderedTasks);
    tasks.hold();
    await worker.queue.enqueue('p.gate', {});
    await waitUntil(() => tasks.order.includes('gate'), 'the gate task to start');

    await worker.queue.enqueue('p.run', { label: 'first-low' }, { priority: -5 });
    await worker.queue.enqueue('p.run', { label: 'second-default' });
    await worker.queue.enqueue('p.run', { label: 'third-high' }, { priority: 5 });
    tasks.release();
    await waitUntil(() => tasks.order.length === 4, '4 tasks to run');
    expect(tasks.order).toEqual(['gate', 'third-high', 'second-default', 'first-low']);
  });
});
