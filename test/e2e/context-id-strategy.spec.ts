import { Inject, Injectable, Scope } from '@nestjs/common';
import { ContextIdFactory, REQUEST, type ContextId } from '@nestjs/core';
import { TASK_CONTEXT, TaskContext, TaskHandler, type TaskRequest } from '../../lib/index.js';
import { startTaskApp } from '../fixtures/task-app.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';

// With a ContextIdStrategy, a handler whose tree is not durable keeps its
// TaskRequest as REQUEST (the strategy's payload merged in, as Nest's router
// does) and its TaskContext as TASK_CONTEXT.

/** Request-scoped: it sees the task's request and its TaskContext. */
@Injectable({ scope: Scope.REQUEST })
class RequestTasks {
  constructor(
    @Inject(REQUEST) private readonly request: TaskRequest<{ tenant: string }> & { tenant?: string },
    @Inject(TASK_CONTEXT) private readonly task: TaskContext | null,
  ) {}

  @TaskHandler('request.run', { queue: 'strategies' })
  run(_payload: unknown, task: TaskContext) {
    return { name: this.request.name, merged: this.request.tenant ?? null, sameContext: this.task === task };
  }
}

describe('a ContextIdStrategy and a handler whose tree is not durable', () => {
  const prefix = uniquePrefix('strategy');
  afterEach(() => ContextIdFactory.apply({ attach: () => undefined }));
  afterAll(() => removePrefix(prefix));

  const run = async () => {
    const t = await startTaskApp(prefix, [RequestTasks]);
    try {
      const ref = await t.queue.enqueue('request.run', { tenant: 'acme' });
      return await t.queue.waitFor(ref, { timeout: 10_000 });
    } finally {
      await t.close();
    }
  };

  it("keeps the task's request, with the strategy's payload merged in, as Nest's router does", async () => {
    ContextIdFactory.apply({
      attach: (contextId: ContextId, request: unknown) => ({
        resolve: () => contextId,
        payload: { tenant: (request as TaskRequest<{ tenant: string }>).payload.tenant },
      }),
    });
    expect(await run()).toEqual({ name: 'request.run', merged: 'acme', sameContext: true });
  });

  it('keeps the task request when the strategy returns a bare resolver', async () => {
    ContextIdFactory.apply({ attach: (contextId: ContextId) => () => contextId });
    expect(await run()).toEqual({ name: 'request.run', merged: null, sameContext: true });
  });

  it('fails a task with a message naming the strategy when one written for HTTP reads headers', async () => {
    ContextIdFactory.apply({
      attach: (contextId: ContextId, request: unknown) => {
        const tenant = (request as { headers: Record<string, string> }).headers['x-tenant-id'];
        return { resolve: () => contextId, payload: { tenant } };
      },
    });
    const t = await startTaskApp(prefix, [RequestTasks], { defaults: { attempts: 1 } });
    try {
      const ref = await t.queue.enqueue('request.run', { tenant: 'acme' });
      const error = await t.queue.waitFor(ref, { timeout: 10_000 }).catch((e: unknown) => e as Error);
      expect((error as Error).message).toMatch(
        new RegExp(`^the app's ContextIdStrategy failed on task ${ref.id} \\('request\\.run'\\): .*'x-tenant-id'.*; a strategy gets every task that has a context of its own`),
      );
    } finally {
      await t.close();
    }
  });
});
