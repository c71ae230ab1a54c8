import { Inject, Injectable, Scope } from '@nestjs/common';
import { ContextIdFactory, REQUEST, type ContextId, type ContextIdStrategy, type HostComponentInfo } from '@nestjs/core';
import { TASK_CONTEXT, TaskContext, TaskHandler, type TaskRequest } from '../../lib/index.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';

// A handler on a request-scoped provider gets a fresh instance per task (a
// context id from Nest's ContextIdFactory, as microservice handlers get), and
// the task's context can be injected; a durable provider is shared by the
// tasks a ContextIdStrategy puts in one tree.

let constructed = 0;

/** Request-scoped through its dependency on TASK_CONTEXT. */
@Injectable()
class TaskLogger {
  constructor(@Inject(TASK_CONTEXT) readonly task: TaskContext) {}
  line(text: string) {
    return `[${this.task.name} ${this.task.id}] ${text}`;
  }
}

@Injectable({ scope: Scope.REQUEST })
class ScopedTasks {
  readonly instance = ++constructed;
  constructor(
    private readonly logger: TaskLogger,
    @Inject(REQUEST) private readonly request: TaskRequest<{ n: number }>,
  ) {}

  @TaskHandler('scoped.run', { queue: 'scoped' })
  run(payload: { n: number }, task: TaskContext) {
    return {
      instance: this.instance,
      line: this.logger.line(`n=${payload.n}`),
      sameContext: this.logger.task === task,
      request: { name: this.request.name, payload: this.request.payload, context: this.request.context === task },
    };
  }
}

/** Puts tasks of one tenant (from their payload) in one durable tree. */
class TenantStrategy implements ContextIdStrategy {
  private readonly tenants = new Map<string, ContextId>();
  attach(contextId: ContextId, request: unknown) {
    const tenant = (request as TaskRequest<{ tenant: string }>).payload.tenant;
    let tree = this.tenants.get(tenant);
    if (!tree) this.tenants.set(tenant, (tree = ContextIdFactory.create()));
    return { resolve: (info: HostComponentInfo) => (info.isTreeDurable ? tree! : contextId), payload: { tenant } };
  }
}

@Injectable({ scope: Scope.REQUEST, durable: true })
class TenantTasks {
  readonly instance = ++constructed;
  constructor(@Inject(REQUEST) private readonly tenant: { tenant: string }) {}

  @TaskHandler('tenant.run', { queue: 'tenants' })
  run() {
    return { instance: this.instance, tenant: this.tenant.tenant };
  }
}

describe('handlers on request-scoped and durable providers', () => {
  const prefix = uniquePrefix('request-scope');
  let t: TaskApp;

  beforeAll(async () => {
    t = await startTaskApp(prefix, [ScopedTasks, TaskLogger]);
  });
  afterAll(async () => {
    await t.close();
    await removePrefix(prefix);
  });

  it('gets a fresh instance per task, with the TaskContext and the TaskRequest injected', async () => {
    const refs = await t.queue.enqueueMany([1, 2, 3].map((n) => ({ name: 'scoped.run', payload: { n } })));
    const results = await Promise.all(refs.map((ref) => t.queue.waitFor<{ instance: number; line: string; sameContext: boolean; request: unknown }>(ref, { timeout: 10_000 })));
    expect(new Set(results.map((r) => r.instance)).size).toBe(3);
    results.forEach((result, i) => {
      expect(result.line).toBe(`[scoped.run ${refs[i].id}] n=${i + 1}`);
      expect(result.sameContext).toBe(true);
      expect(result.request).toEqual({ name: 'scoped.run', payload: { n: i + 1 }, context: true });
    });
  });

  it('shares a durable instance between the tasks a ContextIdStrategy puts in one tree', async () => {
    ContextIdFactory.apply(new TenantStrategy());
    const prefix2 = uniquePrefix('durable');
    const app = await startTaskApp(prefix2, [TenantTasks]);
    try {
      const refs = await app.queue.enqueueMany(['a', 'b', 'a', 'b', 'a'].map((tenant) => ({ name: 'tenant.run', payload: { tenant } })));
      const results = await Promise.all(refs.map((ref) => app.queue.waitFor<{ instance: number; tenant: string }>(ref, { timeout: 10_000 })));
      const byTenant = (tenant: string) => new Set(results.filter((r) => r.tenant === tenant).map((r) => r.instance));
      expect(byTenant('a').size).toBe(1);
      expect(byTenant('b').size).toBe(1);
      expect([...byTenant('a')][0]).not.toBe([...byTenant('b')][0]);
    } finally {
      ContextIdFactory.apply({ attach: () => undefined });
      await app.close();
      await removePrefix(prefix2);
    }
  });
});
