import {
  Catch,
  Controller,
  Get,
  Inject,
  Injectable,
  Module,
  Scope,
  UseFilters,
  type ArgumentsHost,
  type CallHandler,
  type CanActivate,
  type ExceptionFilter,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR, ContextIdFactory, REQUEST, type ContextId } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { map, type Observable } from 'rxjs';
import { TASK_CONTEXT, TaskContext, TaskHandler, TaskModule, OnTaskEvent, OnWorkerEvent, type TaskRequest } from '../../lib/index.js';
import { CapturingLogger } from '../utils/capturing-logger.js';
import { finalInfo, rejectionOf } from '../fixtures/pipeline-fixtures.js';
import { startTaskApp } from '../fixtures/task-app.js';
import { removePrefix, TEST_CONNECTION, uniquePrefix } from '../utils/redis.js';

// How Nest's scopes meet task handlers: the app's request-scoped and
// transient global enhancers reach handlers on singleton providers (as they
// reach a singleton controller's routes), a ContextIdStrategy leaves
// non-durable handlers their TaskRequest, a request-scoped filter is made per
// task with its dependencies, and what cannot work (a transient host, a
// controller) stops bootstrap with a message naming the method.

/** Request-scoped: denies tasks whose payload says so, reading the task from REQUEST. */
@Injectable({ scope: Scope.REQUEST })
class TenantGuard implements CanActivate {
  constructor(@Inject(REQUEST) private readonly request: TaskRequest<{ deny?: boolean }>) {}
  canActivate(context: ExecutionContext): boolean {
    if (context.getType<string>() !== 'task') return true;
    return this.request.payload.deny !== true;
  }
}

/** Transient: wraps every result, so its presence shows in the task's result. */
@Injectable({ scope: Scope.TRANSIENT })
class WrapInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(map((value: unknown) => ({ wrapped: value })));
  }
}

@Injectable()
class PlainTasks {
  @TaskHandler('plain.run', { queue: 'scopes' })
  run(payload: { n: number }) {
    return payload.n;
  }
}

describe('the app-wide request-scoped and transient guards and interceptors reach handlers on singleton providers', () => {
  const prefix = uniquePrefix('scoped-globals');
  afterAll(() => removePrefix(prefix));

  it('runs a request-scoped APP_GUARD and a transient APP_INTERCEPTOR for a task, as for a route', async () => {
    const t = await startTaskApp(prefix, [
      PlainTasks,
      { provide: APP_GUARD, useClass: TenantGuard },
      { provide: APP_INTERCEPTOR, useClass: WrapInterceptor },
    ]);
    try {
      const allowed = await t.queue.enqueue('plain.run', { n: 7 });
      expect(await t.queue.waitFor(allowed, { timeout: 10_000 })).toEqual({ wrapped: 7 });
      const denied = await t.queue.enqueue('plain.run', { n: 8, deny: true });
      const error = await rejectionOf(t.queue, denied);
      expect(error.message).toMatch(/Forbidden resource \(denied by TenantGuard, a global guard/);
      expect(await finalInfo(t.queue, denied)).toMatchObject({ state: 'dead', attempts: 1 });
    } finally {
      await t.close();
    }
  });
});

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
});

/** Request-scoped, with dependencies: it answers with what it was given. */
@Catch()
@Injectable({ scope: Scope.REQUEST })
class TenantFilter implements ExceptionFilter {
  constructor(
    @Inject(REQUEST) private readonly request: TaskRequest<{ tenant: string }>,
    @Inject(TASK_CONTEXT) private readonly task: TaskContext,
  ) {}
  catch(error: Error, host: ArgumentsHost) {
    return {
      tenant: this.request.payload.tenant,
      id: this.task.id,
      error: error.message,
      type: host.getType(),
      // As in a guard's ExecutionContext: the payload stands where an HTTP request would.
      httpRequest: host.switchToHttp().getRequest<unknown>(),
    };
  }
}

/** Transient, on a singleton host: made once for the handler. */
@Catch()
@Injectable({ scope: Scope.TRANSIENT })
class TransientFilter implements ExceptionFilter {
  static made = 0;
  constructor() {
    TransientFilter.made += 1;
  }
  catch(error: Error) {
    return { caught: error.message };
  }
}

@Injectable()
class FilteredTasks {
  @TaskHandler('filtered.scoped', { queue: 'filters' })
  @UseFilters(TenantFilter)
  scoped(): never {
    throw new Error('no stock');
  }
}

/** Singleton: none of its filters is request-scoped. */
@Injectable()
class TransientFilteredTasks {
  @TaskHandler('filtered.transient', { queue: 'filters' })
  @UseFilters(TransientFilter)
  transient(): never {
    throw new Error('gone');
  }
}

describe('filters bound with @UseFilters whose scope is not the default', () => {
  const prefix = uniquePrefix('scoped-filters');
  afterAll(() => removePrefix(prefix));

  it('makes a request-scoped filter per task with its dependencies, and a transient one once', async () => {
    const t = await startTaskApp(prefix, [FilteredTasks, TransientFilteredTasks]);
    try {
      const made = TransientFilter.made;
      const refs = await t.queue.enqueueMany([
        { name: 'filtered.scoped', payload: { tenant: 'acme' } },
        { name: 'filtered.scoped', payload: { tenant: 'globex' } },
        { name: 'filtered.transient', payload: {} },
        { name: 'filtered.transient', payload: {} },
      ]);
      const results = await Promise.all(refs.map((ref) => t.queue.waitFor(ref, { timeout: 10_000 })));
      expect(results).toEqual([
        { tenant: 'acme', id: refs[0].id, error: 'no stock', type: 'task', httpRequest: { tenant: 'acme' } },
        { tenant: 'globex', id: refs[1].id, error: 'no stock', type: 'task', httpRequest: { tenant: 'globex' } },
        { caught: 'gone' },
        { caught: 'gone' },
      ]);
      expect(TransientFilter.made - made).toBeLessThanOrEqual(1);
    } finally {
      await t.close();
    }
  });
});

@Injectable({ scope: Scope.TRANSIENT })
class TransientHost {
  @TaskHandler('transient.run')
  run() {
    return 1;
  }
}

@Injectable({ scope: Scope.TRANSIENT })
class TransientListener {
  @OnWorkerEvent('completed')
  completed() {
    return undefined;
  }
}

@Controller()
class TasksController {
  @Get('x')
  x() {
    return 'x';
  }

  @TaskHandler('controller.run')
  run() {
    return 1;
  }
}

@Controller()
class ListeningController {
  @OnTaskEvent('completed')
  seen() {
    return undefined;
  }
}

@Injectable()
class SharedTasks {
  @TaskHandler('shared.run')
  run() {
    return 1;
  }
}

@Module({ providers: [SharedTasks] })
class OrdersModule {}

@Module({ providers: [SharedTasks] })
class BillingModule {}

describe('handlers Nest could not run are refused at bootstrap', () => {
  const prefix = uniquePrefix('refused-hosts');
  afterAll(() => removePrefix(prefix));

  const boot = (metadata: Parameters<typeof Test.createTestingModule>[0]) =>
    Test.createTestingModule({
      ...metadata,
      imports: [TaskModule.forRoot({ connection: TEST_CONNECTION, prefix }), ...(metadata.imports ?? [])],
    })
      .compile()
      .then(async (moduleRef) => {
        moduleRef.useLogger(false);
        const app = await moduleRef.init();
        await app.close();
      });

  it('refuses a handler on a transient provider, naming it', async () => {
    await expect(boot({ providers: [TransientHost] })).rejects.toThrow(
      /@TaskHandler on TransientHost\.run: its class is a transient provider \(Scope\.TRANSIENT\).*default-scoped provider, or request-scoped/,
    );
  });

  it('skips a listener on a transient provider with a warning naming it (its instance is only a stand-in)', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [TaskModule.forRoot({ connection: TEST_CONNECTION, prefix })],
      providers: [TransientListener],
    }).compile();
    const logger = new CapturingLogger();
    moduleRef.useLogger(logger);
    const app = await moduleRef.init();
    await app.close();
    expect(logger.lines).toContain('warn TransientListener.completed: request-scoped and transient providers cannot host @OnWorkerEvent listeners; skipped TaskModule');
  });

  it('refuses a handler or a listener on a controller, naming it', async () => {
    await expect(boot({ controllers: [TasksController] })).rejects.toThrow(
      /@TaskHandler on TasksController\.run: that class is a controller.*Move the method to an @Injectable\(\) class/,
    );
    await expect(boot({ controllers: [ListeningController] })).rejects.toThrow(/@OnTaskEvent on ListeningController\.seen: that class is a controller/);
  });

  it('names the two modules when one class is listed in both', async () => {
    await expect(boot({ imports: [OrdersModule, BillingModule] })).rejects.toThrow(
      "two handlers for task 'shared.run': SharedTasks.run (in OrdersModule) and SharedTasks.run (in BillingModule); task names must be unique in an app " +
        '(one class listed in the providers of two modules is two providers: list it in one module and export it from there)',
    );
  });
});
