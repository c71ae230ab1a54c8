import { Catch, Injectable, UseFilters, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { TaskContext, TaskHandler } from '../../lib/index.js';
import { Journal, finalInfo, rejectionOf } from '../fixtures/pipeline-fixtures.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';

class PaymentDeclined extends Error {}

/** Turns a handler's error into another one. */
@Catch(PaymentDeclined)
class RethrowingFilter implements ExceptionFilter {
  catch(error: PaymentDeclined, host: ArgumentsHost): never {
    const task = host.switchToRpc().getContext<TaskContext>();
    throw new Error(`charge ${task.id} failed: ${error.message}`);
  }
}

/** Swallows a handler's error and answers with a value instead. */
@Catch()
class RecoveringFilter implements ExceptionFilter {
  catch(error: Error, host: ArgumentsHost) {
    return { recovered: true, from: error.message, payload: host.switchToRpc().getData() };
  }
}

/** Only looks at the error and returns nothing. */
@Catch()
class ObservingFilter implements ExceptionFilter {
  static seen: string[] = [];
  catch(error: Error): void {
    ObservingFilter.seen.push(error.message);
  }
}

@Injectable()
class FilteredTasks {
  constructor(private readonly journal: Journal) {}

  @TaskHandler('charge.rethrow', { attempts: 2 })
  @UseFilters(RethrowingFilter)
  async rethrow(_payload: unknown, task: TaskContext) {
    this.journal.record(task.id, task.attempt);
    throw new PaymentDeclined('card declined');
  }

  @TaskHandler('charge.recover', { attempts: 3 })
  @UseFilters(RecoveringFilter)
  async recover(_payload: unknown, task: TaskContext) {
    this.journal.record(task.id, task.attempt);
    throw new Error('gateway down');
  }

  @TaskHandler('charge.observe')
  @UseFilters(ObservingFilter)
  async observe(payload: { tag: string }) {
    throw new Error(`observed ${payload.tag}`);
  }
}

describe("an exception filter on a handler decides what a failure records", () => {
  const prefix = uniquePrefix('exception-filter');
  let t: TaskApp;
  let journal: Journal;

  beforeAll(async () => {
    t = await startTaskApp(prefix, [Journal, FilteredTasks], { defaults: { attempts: 1, backoff: { type: 'fixed', delay: 0 } } });
    journal = t.get(Journal);
  });
  afterAll(async () => {
    await t.close();
    await removePrefix(prefix);
  });

  it('records the error a filter rethrows in place of the original, and retries it like any handler error', async () => {
    const ref = await t.queue.enqueue('charge.rethrow', { cents: 100 });
    const expected = `charge ${ref.id} failed: card declined`;
    const error = await rejectionOf(t.queue, ref);
    expect(error.message).toBe(expected);

    const info = await finalInfo(t.queue, ref);
    expect(info).toMatchObject({ state: 'dead', attempts: 2, error: { message: expected } });
    expect(journal.of(ref.id)).toEqual([1, 2]);
  });

  // Nest's external pipeline treats a filter's return value as the call's
  // result, so a filter that returns instead of throwing turns the failure
  // into a completion: no retry, and the value is the task's result.
  it('completes the task with the value a filter returns instead of throwing', async () => {
    const payload = { cents: 200 };
    const ref = await t.queue.enqueue('charge.recover', payload);
    const expected = { recovered: true, from: 'gateway down', payload };
    await expect(t.queue.waitFor(ref, { timeout: 5_000 })).resolves.toEqual(expected);

    const info = await finalInfo(t.queue, ref);
    expect(info).toMatchObject({ state: 'completed', attempts: 1, result: expected, error: null });
    expect(journal.of(ref.id)).toEqual([1]);
  });

  // Nest reads `undefined` from a filter as "not handled" and rethrows the original.
  it('keeps the original failure when a filter returns nothing', async () => {
    const ref = await t.queue.enqueue('charge.observe', { tag: 'x1' });
    const error = await rejectionOf(t.queue, ref);
    expect(error.message).toBe('observed x1');
    expect(await finalInfo(t.queue, ref)).toMatchObject({ state: 'dead', attempts: 1, error: { message: 'observed x1' } });
    expect(ObservingFilter.seen).toContain('observed x1');
  });
});
