import { Inject, Injectable, Scope, UseInterceptors, type CallHandler, type CanActivate, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR, REQUEST } from '@nestjs/core';
import { map, type Observable } from 'rxjs';
import { OnTaskEvent, TaskHandler, type TaskRequest } from '../../lib/index.js';
import { CapturingLogger } from '../utils/capturing-logger.js';
import { finalInfo, rejectionOf } from '../fixtures/pipeline-fixtures.js';
import { startTaskApp } from '../fixtures/task-app.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';

// The app's request-scoped and transient global guards, interceptors and
// pipes are made for each task in a context of its own, as Nest makes them per
// request, while the class with the handler keeps its scope: a singleton stays
// one, with its state, hooks and listeners.

/** Request-scoped: denies tasks whose payload says so, reading the task from REQUEST. */
@Injectable({ scope: Scope.REQUEST })
class TenantGuard implements CanActivate {
  constructor(@Inject(REQUEST) private readonly request: TaskRequest<{ deny?: boolean }>) {}
  canActivate(context: ExecutionContext): boolean {
    if (context.getType<string>() !== 'task') return true;
    return this.request.payload.deny !== true;
  }
}

/** Transient: wraps every result under what its constructor set, so a stand-in (its constructor not run) shows. */
@Injectable({ scope: Scope.TRANSIENT })
class WrapInterceptor implements NestInterceptor {
  private readonly label = 'wrapped';
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(map((value: unknown) => ({ [String(this.label)]: value })));
  }
}

/** Request-scoped, written for HTTP: its constructor reads a header, which a task has not. */
@Injectable({ scope: Scope.REQUEST })
class HttpOnlyGuard implements CanActivate {
  private readonly key: string;
  constructor(@Inject(REQUEST) request: { headers: Record<string, string> }) {
    this.key = request.headers['x-api-key'];
  }
  canActivate(): boolean {
    return this.key === 'secret';
  }
}

/** A singleton with state, a lifecycle hook and a listener, injected elsewhere. */
@Injectable()
class CountingTasks {
  runs = 0;
  initialised = false;
  onModuleInit() {
    this.initialised = true;
  }

  @TaskHandler('counting.run', { queue: 'scopes' })
  run(payload: { n: number; deny?: boolean }) {
    this.runs += 1;
    return { n: payload.n, runs: this.runs };
  }

  @OnTaskEvent('completed', { queue: 'scopes' })
  completed() {
    return undefined;
  }
}

@Injectable()
class CountingConsumer {
  constructor(readonly tasks: CountingTasks) {}
}

/** Request-scoped host: the scoped global guard is made in its task's context too. */
@Injectable({ scope: Scope.REQUEST })
class ScopedHostTasks {
  @TaskHandler('scoped-host.run', { queue: 'scopes' })
  run(payload: { n: number }) {
    return payload.n;
  }
}

describe('the app-wide request-scoped and transient guards and interceptors reach handlers, whose classes keep their scope', () => {
  const prefix = uniquePrefix('scoped-globals');
  afterAll(() => removePrefix(prefix));

  it('runs a request-scoped APP_GUARD and a transient APP_INTERCEPTOR, made for the task, on a singleton that stays one', async () => {
    const logger = new CapturingLogger();
    const t = await startTaskApp(prefix, [
      CountingTasks,
      CountingConsumer,
      ScopedHostTasks,
      { provide: APP_GUARD, useClass: TenantGuard },
      { provide: APP_INTERCEPTOR, useClass: WrapInterceptor },
    ]);
    t.app.useLogger(logger);
    try {
      const first = await t.queue.enqueue('counting.run', { n: 1 });
      expect(await t.queue.waitFor(first, { timeout: 10_000 })).toEqual({ wrapped: { n: 1, runs: 1 } });
      const second = await t.queue.enqueue('counting.run', { n: 2 });
      expect(await t.queue.waitFor(second, { timeout: 10_000 })).toEqual({ wrapped: { n: 2, runs: 2 } });
      const denied = await t.queue.enqueue('counting.run', { n: 3, deny: true });
      const error = await rejectionOf(t.queue, denied);
      expect(error.message).toMatch(/Forbidden resource \(denied by TenantGuard, a global guard/);
      expect(await finalInfo(t.queue, denied)).toMatchObject({ state: 'dead', attempts: 1 });
      // Still the one singleton: its hook ran, its state is kept, and what injects it gets it.
      const tasks = t.get(CountingTasks);
      expect(tasks).toMatchObject({ initialised: true, runs: 2 });
      expect(t.get(CountingConsumer).tasks).toBe(tasks);
      // On a request-scoped class, the guard is made in the same task context, its constructor run.
      const scoped = await t.queue.enqueue('scoped-host.run', { n: 4 });
      expect(await t.queue.waitFor(scoped, { timeout: 10_000 })).toEqual({ wrapped: 4 });
      const scopedDenied = await t.queue.enqueue('scoped-host.run', { n: 5, deny: true });
      expect((await rejectionOf(t.queue, scopedDenied)).message).toMatch(/^Forbidden resource/);
    } finally {
      await t.close();
    }
  });

  it('makes no request-scoped global guard at all with globalEnhancers: { guards: false }', async () => {
    const t = await startTaskApp(prefix, [CountingTasks, { provide: APP_GUARD, useClass: HttpOnlyGuard }], { globalEnhancers: { guards: false } });
    try {
      const ref = await t.queue.enqueue('counting.run', { n: 1 });
      expect(await t.queue.waitFor(ref, { timeout: 10_000 })).toEqual({ n: 1, runs: 1 });
    } finally {
      await t.close();
    }
  });
});

describe('request-scoped global guards given as an alias or a factory', () => {
  const prefix = uniquePrefix('scoped-global-shapes');
  afterAll(() => removePrefix(prefix));

  it.each([
    ['useExisting', [TenantGuard, { provide: APP_GUARD, useExisting: TenantGuard }]],
    [
      'useFactory',
      [{ provide: APP_GUARD, scope: Scope.REQUEST, inject: [REQUEST], useFactory: (request: TaskRequest<{ deny?: boolean }>) => new TenantGuard(request) }],
    ],
  ])('runs one given with %s, and its denial ends the task dead at once with the hint', async (_shape, providers) => {
    const t = await startTaskApp(prefix, [CountingTasks, ...(providers as never[])]);
    try {
      const allowed = await t.queue.enqueue('counting.run', { n: 1 });
      expect(await t.queue.waitFor(allowed, { timeout: 10_000 })).toEqual({ n: 1, runs: 1 });
      const denied = await t.queue.enqueue('counting.run', { n: 2, deny: true });
      const error = await rejectionOf(t.queue, denied);
      expect(error.message).toMatch(/^Forbidden resource \(denied by TenantGuard, a global guard/);
      expect(await finalInfo(t.queue, denied)).toMatchObject({ state: 'dead', attempts: 1 });
    } finally {
      await t.close();
    }
  });
});

/** Bound to the class: Nest keeps a transient enhancer per class that asks for it. */
@Injectable()
@UseInterceptors(WrapInterceptor)
class WrappedTasks {
  @TaskHandler('wrapped.run', { queue: 'scopes' })
  run(payload: { n: number }) {
    return payload.n;
  }
}

describe('a transient interceptor bound to a singleton class', () => {
  const prefix = uniquePrefix('transient-class-enhancer');
  afterAll(() => removePrefix(prefix));

  it('runs as made, its constructor run', async () => {
    const t = await startTaskApp(prefix, [WrappedTasks]);
    try {
      const ref = await t.queue.enqueue('wrapped.run', { n: 6 });
      expect(await t.queue.waitFor(ref, { timeout: 10_000 })).toEqual({ wrapped: 6 });
    } finally {
      await t.close();
    }
  });
});
