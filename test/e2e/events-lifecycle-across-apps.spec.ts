import { Injectable } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { TaskContext, TaskHandler, type TaskEvent } from '../../lib/index.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';
import { waitUntil } from '../utils/wait.js';

// Two app instances on one prefix: the producer (no worker) enqueues and
// listens; the worker runs the tasks. Every event type reaches the producer
// with the fields the TaskEvent contract documents.

@Injectable()
class ReportTasks {
  @TaskHandler('warmup')
  warmup() {}

  @TaskHandler('report')
  async report(payload: { rows: number }, task: TaskContext) {
    await task.progress(25);
    await task.progress({ step: 'render' });
    return { rows: payload.rows };
  }

  @TaskHandler('flaky')
  flaky(): never {
    throw new Error('flaky failure');
  }
}

describe('events() across app instances', () => {
  const prefix = uniquePrefix('ev-life');
  let producer: TaskApp;
  let worker: TaskApp;
  let subscription: Subscription;
  const seen: TaskEvent[] = [];
  const startedAt = Date.now();

  beforeAll(async () => {
    worker = await startTaskApp(prefix, [ReportTasks]);
    producer = await startTaskApp(prefix, [], { worker: false });
    subscription = producer.queue.events().subscribe((event) => seen.push(event));
    // events() has no "ready" signal: enqueue warm-up tasks until one is seen, so the
    // follower is known to be live before the tasks under test are enqueued.
    const warmups = new Set<string>();
    await waitUntil(
      async () => {
        warmups.add((await producer.queue.enqueue('warmup', {})).id);
        return seen.some((e) => warmups.has(e.id));
      },
      'the events() subscription to be live',
      10_000,
      100,
    );
  });
  afterAll(async () => {
    subscription?.unsubscribe();
    await producer?.close();
    await worker?.close();
    await removePrefix(prefix);
  });

  const of = (id: string) => seen.filter((e) => e.id === id);

  it('sees every step of a task that reports progress and completes, with its fields', async () => {
    const ref = await producer.queue.enqueue('report', { rows: 3 });
    await waitUntil(() => of(ref.id).some((e) => e.type === 'completed'), 'the completed event');

    const events = of(ref.id);
    expect(events.map((e) => e.type)).toEqual(['enqueued', 'started', 'progress', 'progress', 'completed']);
    for (const event of events) {
      expect(event).toMatchObject({ id: ref.id, name: 'report', queue: 'default' });
      expect(event.eventId).toMatch(/^\d+-\d+$/);
      expect(event.at).toBe(Number(event.eventId.split('-')[0]));
      // Redis time on this host: within the test's run, allowing a minute of clock difference.
      expect(event.at).toBeGreaterThan(startedAt - 60_000);
      expect(event.at).toBeLessThan(Date.now() + 60_000);
    }
    const [enqueued, started, progress1, progress2, completed] = events;
    expect(enqueued).not.toHaveProperty('attempt');
    expect(enqueued).not.toHaveProperty('result');
    expect(started.attempt).toBe(1);
    expect(progress1).toMatchObject({ attempt: 1, progress: 25 });
    expect(progress2).toMatchObject({ attempt: 1, progress: { step: 'render' } });
    expect(completed).toMatchObject({ attempt: 1, result: { rows: 3 } });
    expect(completed).not.toHaveProperty('error');
  });

  it('sees a failing task retry and end dead, with the attempt and the error each time', async () => {
    // Given at enqueue: a producer without the handler class knows no handler options.
    const ref = await producer.queue.enqueue('flaky', {}, { attempts: 2, backoff: { type: 'fixed', delay: 10 } });
    await waitUntil(() => of(ref.id).some((e) => e.type === 'dead'), 'the dead event');

    const events = of(ref.id);
    expect(events.map((e) => [e.type, e.attempt])).toEqual([
      ['enqueued', undefined],
      ['started', 1],
      ['retrying', 1],
      ['started', 2],
      ['dead', 2],
    ]);
    for (const event of events) expect(event).toMatchObject({ id: ref.id, name: 'flaky', queue: 'default' });
    const retrying = events[2];
    const dead = events[4];
    expect(retrying.error).toMatchObject({ message: 'flaky failure', name: 'Error' });
    expect(retrying.error?.stack).toContain('flaky failure');
    expect(dead.error).toMatchObject({ message: 'flaky failure', name: 'Error' });
    expect(dead).not.toHaveProperty('result');
  });

  it('hands events on in stream order, each once', () => {
    const ids = seen.map((e) => e.eventId);
    expect(new Set(ids).size).toBe(ids.length);
    const sorted = [...ids].sort((a, b) => {
      const [am, as] = a.split('-').map(Number);
      const [bm, bs] = b.split('-').map(Number);
      return am - bm || as - bs;
    });
    expect(ids).toEqual(sorted);
  });
});
