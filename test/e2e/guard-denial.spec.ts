import { Injectable, UseGuards, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { TaskContext, TaskHandler } from '../../lib/index.js';
import { Journal, finalInfo, rejectionOf } from '../fixtures/pipeline-fixtures.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';

/** Denies every task, and notes each time it was asked. */
@Injectable()
class DenyGuard implements CanActivate {
  constructor(private readonly journal: Journal) {}
  canActivate(context: ExecutionContext): boolean {
    this.journal.record(context.switchToRpc().getContext<TaskContext>().id, 'guard');
    return false;
  }
}

/** Denies asynchronously, the way a guard that looks something up would. */
@Injectable()
class AsyncDenyGuard implements CanActivate {
  constructor(private readonly journal: Journal) {}
  async canActivate(context: ExecutionContext): Promise<boolean> {
    await new Promise((resolve) => setTimeout(resolve, 5));
    this.journal.record(context.switchToRpc().getContext<TaskContext>().id, 'guard');
    return false;
  }
}

@Injectable()
class GuardedTasks {
  constructor(private readonly journal: Journal) {}

  @TaskHandler('guarded.method', { attempts: 5 })
  @UseGuards(DenyGuard)
  async method(_payload: unknown, task: TaskContext) {
    this.journal.record(task.id, 'handler');
  }
}

@Injectable()
@UseGuards(AsyncDenyGuard)
class GuardedClassTasks {
  constructor(private readonly journal: Journal) {}

  @TaskHandler('guarded.class', { attempts: 5 })
  async run(_payload: unknown, task: TaskContext) {
    this.journal.record(task.id, 'handler');
  }
}

describe("a guard's denial sends the task to dead at once, without running the handler", () => {
  const prefix = uniquePrefix('guard-denial');
  let t: TaskApp;
  let journal: Journal;

  beforeAll(async () => {
    // No backoff: had a retry been scheduled, it would run before the task could look dead.
    t = await startTaskApp(prefix, [Journal, GuardedTasks, GuardedClassTasks], {
      defaults: { attempts: 1, backoff: { type: 'fixed', delay: 0 } },
    });
    journal = t.get(Journal);
  });
  afterAll(async () => {
    await t.close();
    await removePrefix(prefix);
  });

  it.each([
    ['a method guard returning false', 'guarded.method'],
    ['a class guard resolving false', 'guarded.class'],
  ])('%s: dead after 1 of 5 attempts, handler never called', async (_label, name) => {
    const ref = await t.queue.enqueue(name, { n: 1 });
    const error = await rejectionOf(t.queue, ref);
    expect(error.message).toMatch(/forbidden/i);

    const info = await finalInfo(t.queue, ref);
    expect(info).toMatchObject({ state: 'dead', attempts: 1, maxAttempts: 5 });
    expect(info.error?.message).toMatch(/forbidden/i);
    expect(journal.of(ref.id)).toEqual(['guard']);
  });
});
