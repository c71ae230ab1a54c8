import { Injectable, UseGuards, UseInterceptors, UsePipes, type CallHandler, type CanActivate, type ExecutionContext, type NestInterceptor, type PipeTransform } from '@nestjs/common';
import { firstValueFrom, take, toArray } from 'rxjs';
import { OnTaskEvent, OnWorkerEvent, TaskContext, TaskHandler, WaitForTimeoutError, type TaskEvent, type WorkerEvent } from '../../../lib/index.js';
import { startTestingApp, type TestingApp } from '../../fixtures/testing-app.js';

// The test mode keeps TaskQueue's whole API and the handler pipeline as on
// Redis: lookups, cancel, retry, pause, events and listeners, schedules.

const journal: string[] = [];

class Recorder implements CanActivate, NestInterceptor, PipeTransform {
  canActivate(context: ExecutionContext) {
    journal.push(`guard ${context.getType()}`);
    return true;
  }
  intercept(_context: ExecutionContext, next: CallHandler) {
    journal.push('interceptor');
    return next.handle();
  }
  transform(value: unknown) {
    return value;
  }
}

@Injectable()
class ShopTasks {
  readonly events: string[] = [];
  failNext = false;

  @TaskHandler('order.ship', { attempts: 2, backoff: { type: 'fixed', delay: 10 } })
  @UseGuards(Recorder)
  @UseInterceptors(Recorder)
  @UsePipes(Recorder)
  async ship(payload: { order: number }, task: TaskContext) {
    journal.push('handler');
    await task.progress(50);
    if (this.failNext) {
      this.failNext = false;
      throw new Error('carrier down');
    }
    return { shipped: payload.order, enqueuedAt: task.enqueuedAt };
  }

  @TaskHandler('stock.count', { schedule: { every: 60_000, payload: { all: true } } })
  count(payload: { all: boolean }) {
    return payload;
  }

  @OnTaskEvent('completed', { name: 'order.ship' })
  shipped(event: TaskEvent) {
    this.events.push(`stream ${event.type} ${event.name}`);
  }

  @OnWorkerEvent('active')
  @OnWorkerEvent('progress')
  @OnWorkerEvent('completed')
  @OnWorkerEvent('failed')
  worker(event: WorkerEvent) {
    this.events.push(event.type === 'failed' ? `worker failed willRetry=${event.willRetry}` : `worker ${event.type}`);
  }
}

describe('TaskQueue in the test mode', () => {
  let t: TestingApp;
  let shop: ShopTasks;
  beforeEach(async () => {
    journal.length = 0;
    t = await startTestingApp([ShopTasks], { mode: 'fake' });
    shop = t.get(ShopTasks);
  });
  afterEach(async () => {
    await t.close();
  });

  it('runs handlers through guards, interceptors and pipes, and gives the TaskContext its enqueue time', async () => {
    const ref = await t.queue.enqueue('order.ship', { order: 1 });
    await t.tester.drain();
    expect(journal).toEqual(['guard task', 'interceptor', 'handler']);
    const info = await t.queue.get(ref);
    expect(info).toMatchObject({ state: 'completed', progress: 50, result: { shipped: 1, enqueuedAt: info!.enqueuedAt } });
  });

  it('fires worker events in order and @OnTaskEvent listeners by the time drain resolves', async () => {
    shop.failNext = true;
    await t.queue.enqueue('order.ship', { order: 2 });
    await t.tester.drain();
    expect(shop.events).toEqual([
      'worker active', 'worker progress', 'worker failed willRetry=true',
      'worker active', 'worker progress', 'worker completed', 'stream completed order.ship',
    ]);
  });

  it('answers get, counts, list, cancel, retry and pause as with Redis', async () => {
    const [a, b, c] = await t.queue.enqueueMany([1, 2, 3].map((order) => ({ name: 'order.ship', payload: { order } })));
    expect(await t.queue.cancel(b)).toBe(true);
    expect(await t.queue.get(b)).toBeNull();
    expect((await t.queue.list('waiting')).map((task) => task.id)).toEqual([a.id, c.id]);
    await t.queue.pause();
    expect(await t.queue.counts()).toMatchObject({ waiting: 2, paused: true });
    expect(await t.tester.runNext()).toBeNull();
    await t.queue.resume();
    shop.failNext = true;
    await t.tester.runNext({ advanceTime: false });
    expect(await t.queue.get(a)).toMatchObject({ state: 'delayed', error: { message: 'carrier down' } });
    await t.tester.drain();
    expect(await t.queue.counts()).toMatchObject({ waiting: 0, delayed: 0, completed: 2, dead: 0 });
    expect(await t.queue.retry(a)).toBe(false);
  });

  it('streams events() to a subscriber', async () => {
    // Subscribed, then enqueued at once: the subscription's start point is taken when it is made.
    const seen = firstValueFrom(t.queue.events().pipe(take(4), toArray()));
    await t.queue.enqueue('order.ship', { order: 3 });
    await t.tester.drain();
    expect((await seen).map((e) => e.type)).toEqual(['enqueued', 'started', 'progress', 'completed']);
  });

  it('lists declared schedules and fires one on request, without the clock', async () => {
    const [schedule] = await t.queue.schedules();
    expect(schedule).toMatchObject({ id: 'stock.count', name: 'stock.count', every: 60_000, payload: { all: true } });
    const ref = await t.tester.fireSchedule('stock.count');
    expect(ref).toEqual({ id: `stock.count@${schedule.next}`, queue: 'default' });
    expect((await t.queue.schedules())[0].next).toBe(schedule.next + 60_000);
    expect(t.tester.enqueued('stock.count')).toMatchObject([{ id: ref.id, state: 'waiting', payload: { all: true } }]);
    await t.tester.drain({ advanceTime: false });
    expect(await t.queue.waitFor(ref, { timeout: 1_000 })).toEqual({ all: true });
    await expect(t.tester.fireSchedule('nope')).rejects.toThrow(/no schedule 'nope' \(known: stock\.count\)/);
  });

  it("lists a schedule's occurrence policy as on Redis: the options given, read back in their own shape", async () => {
    await t.queue.schedule('urgent', 'stock.count', {}, { every: 1_000, attempts: 4, timeout: 2_000, removeOnComplete: true, removeOnDead: { count: 5 } });
    expect((await t.queue.schedules()).find((s) => s.id === 'urgent')).toMatchObject({
      attempts: 4,
      timeout: 2_000,
      removeOnComplete: true,
      removeOnDead: { count: 5 },
    });
  });

  it('fires an overdue schedule once after advanceTime passed several due times, then goes on from now, as on Redis', async () => {
    const [schedule] = await t.queue.schedules();
    t.tester.advanceTime(3 * 60_000 + 20_000);
    const ref = await t.tester.fireSchedule('stock.count');
    expect(ref.id).toBe(`stock.count@${schedule.next}`);
    // The occurrences missed in between are skipped: the next is the first on the grid after now.
    expect((await t.queue.schedules())[0].next).toBe(schedule.next + 3 * 60_000);
    expect((await t.queue.schedules())[0].next).toBeGreaterThan(t.tester.now());
    expect(t.tester.enqueued('stock.count')).toHaveLength(1);
  });

  it('says a waitFor timed out on a task that no longer exists, not on one still pending', async () => {
    const ref = await t.queue.enqueue('stock.count', { all: false });
    // Short of the once-a-second check that would report it vanished.
    const waiting = t.queue.waitFor(ref, { timeout: 300 }).catch((e: unknown) => e);
    await t.tester.clear();
    const error = await waiting;
    expect(error).toBeInstanceOf(WaitForTimeoutError);
    expect((error as Error).message).toMatch(/; the task no longer exists \(cancelled or removed\)$/);
  });
});
