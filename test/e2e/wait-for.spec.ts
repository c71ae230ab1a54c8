import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TaskContext, TaskFailedError, TaskHandler, TaskModule, TaskNotFoundError, TaskQueue, WaitForTimeoutError } from '../../lib/index.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { TEST_CONNECTION, removePrefix, uniquePrefix } from '../utils/redis.js';
import { waitUntil } from '../utils/wait.js';

@Injectable()
class WaitTasks {
  private gate: Promise<void> = Promise.resolve();
  release: () => void = () => undefined;
  started = 0;

  /** Makes the next 'w.gated' runs wait until `release()`. */
  hold(): void {
    this.gate = new Promise<void>((resolve) => {
      this.release = resolve;
    });
  }

  @TaskHandler('w.sum')
  async sum(payload: { a: number; b: number }) {
    return { sum: payload.a + payload.b, parts: [payload.a, payload.b], note: 'ok' };
  }

  @TaskHandler('w.echo')
  async echo(payload: { value: unknown }) {
    return payload.value;
  }

  @TaskHandler('w.void')
  async nothing(): Promise<void> {}

  @TaskHandler('w.gated')
  async gated(payload: { tag: string }) {
    this.started++;
    await this.gate;
    return { done: payload.tag };
  }

  @TaskHandler('w.fail', { attempts: 2, backoff: { type: 'fixed', delay: 0 } })
  async fail(_payload: unknown, task: TaskContext) {
    await this.gate;
    throw new Error(`failed attempt ${task.attempt}`);
  }
}

describe('waitFor', () => {
  const prefix = uniquePrefix('waitfor');
  let t: TaskApp;
  let tasks: WaitTasks;

  beforeAll(async () => {
    t = await startTaskApp(prefix, [WaitTasks]);
    tasks = t.get(WaitTasks);
  });
  afterEach(() => tasks.release());
  afterAll(async () => {
    await t.close();
    await removePrefix(prefix);
  });

  it('resolves with the handler\'s return value', async () => {
    const ref = await t.queue.enqueue('w.sum', { a: 2, b: 3 });
    await expect(t.queue.waitFor(ref, { timeout: 5_000 })).resolves.toEqual({ sum: 5, parts: [2, 3], note: 'ok' });
  });

  it.each([[0], [false], [null], [''], ['text'], [[1, 'two']]])('resolves with a falsy or plain return value %j as returned', async (value) => {
    const ref = await t.queue.enqueue('w.echo', { value });
    await expect(t.queue.waitFor(ref, { timeout: 5_000 })).resolves.toEqual(value);
  });

  it('resolves with undefined for a handler that returns nothing', async () => {
    const ref = await t.queue.enqueue('w.void', {});
    await expect(t.queue.waitFor(ref, { timeout: 5_000 })).resolves.toBeUndefined();
  });

  it('resolves for a task that completed before waitFor was called', async () => {
    const ref = await t.queue.enqueue('w.sum', { a: 40, b: 2 });
    await waitUntil(async () => (await t.queue.get(ref))?.state === 'completed', 'the task to complete');
    await expect(t.queue.waitFor(ref, { timeout: 5_000 })).resolves.toMatchObject({ sum: 42 });
    await expect(t.queue.waitFor(ref.id, { timeout: 5_000 })).resolves.toMatchObject({ sum: 42 });
  });

  it('rejects with TaskFailedError carrying the last error message once the task is dead', async () => {
    const ref = await t.queue.enqueue('w.fail', {});
    const error = await t.queue.waitFor(ref, { timeout: 5_000 }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TaskFailedError);
    expect(error).toMatchObject({ message: 'failed attempt 2', taskId: ref.id, queue: 'default' });
    expect((error as TaskFailedError).taskStack).toContain('failed attempt 2');

    // Also for a task already dead when waitFor is called.
    await expect(t.queue.waitFor(ref, { timeout: 5_000 })).rejects.toThrow(new TaskFailedError(ref.id, 'default', 'failed attempt 2'));
  });

  it('rejects with WaitForTimeoutError after its timeout while the task is still waiting', async () => {
    const ref = await t.queue.enqueue('w.sum', { a: 1, b: 1 }, { queue: 'no-worker' });
    const started = Date.now();
    const error = await t.queue.waitFor(ref, { timeout: 300 }).then(
      () => null,
      (e: unknown) => e,
    );
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(WaitForTimeoutError);
    expect(error).not.toBeInstanceOf(TaskFailedError);
    expect((error as Error).message).toMatch(/timed out.*waiting/);
    expect((error as Error).message).toContain(ref.id);
    // This app's worker serves 'default' only: the message says why nothing runs the task.
    expect((error as Error).message).toMatch(/; the task is waiting, and no live worker serves queue 'no-worker' \(is the queue right\?\)$/);
    expect(elapsed).toBeGreaterThanOrEqual(280);
    expect(await t.queue.get(ref)).toMatchObject({ state: 'waiting' });
  });

  it('says at its timeout that no live worker of the queue has a handler for the task', async () => {
    const ref = await t.queue.enqueue('w.nobody', {}, { delay: 60_000 });
    await expect(t.queue.waitFor(ref, { timeout: 200 })).rejects.toThrow(/; the task is delayed, and no live worker of queue 'default' has a handler for 'w\.nobody'$/);
    await t.queue.cancel(ref);
  });

  it('rejects with WaitForTimeoutError while the task is active, and a later waitFor still gets the result', async () => {
    tasks.hold();
    const ref = await t.queue.enqueue('w.gated', { tag: 'slow' });
    await waitUntil(async () => (await t.queue.get(ref))?.state === 'active', 'the task to be active');
    await expect(t.queue.waitFor(ref, { timeout: 200 })).rejects.toThrow(WaitForTimeoutError);
    await expect(t.queue.waitFor(ref, { timeout: 200 })).rejects.toThrow(/; the task is active$/);
    const later = t.queue.waitFor(ref, { timeout: 5_000 });
    tasks.release();
    await expect(later).resolves.toEqual({ done: 'slow' });
  });

  it('rejects with WaitForTimeoutError for a delayed task not yet due', async () => {
    const ref = await t.queue.enqueue('w.sum', { a: 1, b: 2 }, { delay: 60_000 });
    await expect(t.queue.waitFor(ref, { timeout: 200 })).rejects.toThrow(WaitForTimeoutError);
    expect(await t.queue.cancel(ref)).toBe(true);
  });

  it('rejects with TaskNotFoundError for an unknown id', async () => {
    const error = await t.queue.waitFor('no-such-id', { timeout: 5_000 }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TaskNotFoundError);
    expect(error).toMatchObject({ taskId: 'no-such-id', queue: 'default', foundIn: [] });
    expect((error as Error).message).toBe("no task no-such-id in queue 'default' (never added, cancelled, or already removed by remove() or retention)");

    const ref = await t.queue.enqueue('w.sum', { a: 1, b: 2 }, { queue: 'no-worker', id: 'only-in-no-worker' });
    // A bare id is looked for in 'default': the refusal names the queue that holds it.
    await expect(t.queue.waitFor(ref.id, { timeout: 5_000 })).rejects.toMatchObject({
      name: 'TaskNotFoundError',
      foundIn: ['no-worker'],
      message:
        "no task only-in-no-worker in queue 'default' (never added, cancelled, or already removed by remove() or retention); " +
        "a task of this id is in queue 'no-worker': pass { queue: 'no-worker' }, or the ref enqueue returned, which names its queue",
    });
    await expect(t.queue.waitFor({ id: ref.id, queue: 'other' }, { timeout: 5_000 })).rejects.toThrow(TaskNotFoundError);
    expect(await t.queue.cancel(ref)).toBe(true);
    await expect(t.queue.waitFor(ref, { timeout: 5_000 })).rejects.toThrow(TaskNotFoundError);
  });

  it('rejects a timeout that is not a positive integer', async () => {
    const ref = await t.queue.enqueue('w.sum', { a: 1, b: 2 });
    await expect(t.queue.waitFor(ref, { timeout: 0 })).rejects.toThrow(/timeout/);
    await expect(t.queue.waitFor(ref, {} as never)).rejects.toThrow(/timeout/);
    await t.queue.waitFor(ref, { timeout: 5_000 });
  });

  it('resolves every one of several concurrent waitFor calls on the same task', async () => {
    tasks.hold();
    const ref = await t.queue.enqueue('w.gated', { tag: 'shared' });
    const waits = [
      ...Array.from({ length: 5 }, () => t.queue.waitFor(ref, { timeout: 5_000 })),
      t.queue.waitFor(ref.id, { timeout: 5_000 }),
      t.queue.waitFor(ref.id, { queue: 'default', timeout: 5_000 }),
    ];
    await waitUntil(() => tasks.started > 0, 'the task to start');
    tasks.release();
    const results = await Promise.all(waits);
    expect(results).toEqual(Array.from({ length: 7 }, () => ({ done: 'shared' })));
  });

  it('rejects every one of several concurrent waitFor calls on a task that dies', async () => {
    tasks.hold();
    const ref = await t.queue.enqueue('w.fail', {});
    const waits = Array.from({ length: 4 }, () => t.queue.waitFor(ref, { timeout: 5_000 }).catch((e: unknown) => e));
    tasks.release();
    const errors = await Promise.all(waits);
    for (const error of errors) expect(error).toMatchObject({ name: 'TaskFailedError', message: 'failed attempt 2' });
  });

  it('settles concurrent waitFor calls on many different tasks with their own results', async () => {
    const refs = await t.queue.enqueueMany(Array.from({ length: 30 }, (_, n) => ({ name: 'w.sum', payload: { a: n, b: 1 } })));
    const results = await Promise.all(refs.map((ref) => t.queue.waitFor<{ sum: number }>(ref, { timeout: 10_000 })));
    expect(results.map((r) => r.sum)).toEqual(Array.from({ length: 30 }, (_, n) => n + 1));
  });
});

// The app's own worker starts at onApplicationBootstrap: a waitFor awaited in an onModuleInit hook holds
// bootstrap until its timeout, and must say why rather than blame the prefix or the fleet.
@Injectable()
class WaitsAtInit implements OnModuleInit {
  constructor(private readonly tasks: TaskQueue) {}

  async onModuleInit() {
    const ref = await this.tasks.enqueue('w.sum', { a: 1, b: 2 });
    await this.tasks.waitFor(ref, { timeout: 1_500 });
  }
}

describe('waitFor awaited in onModuleInit, for a task this app itself would run', () => {
  const prefix = uniquePrefix('wait-init');
  afterAll(() => removePrefix(prefix));

  it('times out saying the app\'s own worker has not started yet, and where to wait instead', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [TaskModule.forRoot({ connection: TEST_CONNECTION, prefix, defaults: { attempts: 1 } })],
      providers: [WaitTasks, WaitsAtInit],
    }).compile();
    moduleRef.useLogger(false);
    try {
      const started = moduleRef.init();
      await expect(started).rejects.toBeInstanceOf(WaitForTimeoutError);
      await expect(started).rejects.toMatchObject({
        message: expect.stringContaining(
          "the task is waiting, and this app's own worker, which serves queue 'default', has not started: it starts at onApplicationBootstrap, " +
            'after every onModuleInit has resolved, so a waitFor awaited in onModuleInit waits for it in vain (wait in onApplicationBootstrap or later)',
        ),
      });
    } finally {
      // Its connections opened before the hook failed.
      await moduleRef.close();
    }
  });
});
