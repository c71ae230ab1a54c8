import { Injectable, UnauthorizedException, UseGuards, UsePipes, type ArgumentMetadata, type CallHandler, type CanActivate, type ExecutionContext, type NestInterceptor, type PipeTransform } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { map } from 'rxjs';
import { TaskContext, TaskCtx, TaskHandler, type TaskModuleOptions } from '../../lib/index.js';
import { Journal, rejectionOf } from '../fixtures/pipeline-fixtures.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';

// Enhancers registered app-wide (APP_GUARD, APP_INTERCEPTOR, APP_PIPE) run for
// tasks, as Nest runs them for every kind of handler; a guard tells a task
// from an HTTP request by the context type. The globalEnhancers option leaves
// them out, all or per kind.

const keyOf = (context: ExecutionContext) => context.switchToRpc().getContext<TaskContext>().id;

/** Written for HTTP: reads a header, as many app-wide auth guards do. */
@Injectable()
class HeaderAuthGuard implements CanActivate {
  constructor(private readonly journal: Journal) {}
  canActivate(context: ExecutionContext): boolean {
    this.journal.record(keyOf(context), 'http guard');
    const request = context.switchToHttp().getRequest<{ headers?: Record<string, string> }>();
    return request.headers?.authorization === 'Bearer ok';
  }
}

/** The same guard, letting tasks through by their context type. */
@Injectable()
class TaskAwareAuthGuard extends HeaderAuthGuard {
  override canActivate(context: ExecutionContext): boolean {
    if (context.getType<'http' | 'task'>() === 'task') return true;
    return super.canActivate(context);
  }
}

@Injectable()
class TimingInterceptor implements NestInterceptor {
  constructor(private readonly journal: Journal) {}
  intercept(context: ExecutionContext, next: CallHandler) {
    this.journal.record(keyOf(context), `interceptor ${context.getType()}`);
    return next.handle().pipe(map((result: object) => ({ ...result, intercepted: true })));
  }
}

@Injectable()
class TrimPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata) {
    return metadata.type === 'body' && typeof value === 'object' && value !== null ? { ...value, trimmed: true } : value;
  }
}

/** An authentication guard written for HTTP, throwing as Passport's AuthGuard does. */
@Injectable()
class BearerGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (context.switchToHttp().getRequest<{ headers?: Record<string, string> }>().headers?.authorization) return true;
    throw new UnauthorizedException();
  }
}

/** Wraps whatever it is given: it shows which arguments pipes are run over. */
class WrapPipe implements PipeTransform {
  transform(value: unknown) {
    return { wrapped: value };
  }
}

class DenyAll implements CanActivate {
  canActivate(): boolean {
    return false;
  }
}

@Injectable()
class AppTasks {
  constructor(private readonly journal: Journal) {}
  @TaskHandler('app.work')
  work(payload: { n: number; trimmed?: boolean }, task: TaskContext) {
    this.journal.record(task.id, 'handler');
    return { n: payload.n, trimmed: payload.trimmed ?? false };
  }

  @TaskHandler('app.piped')
  @UsePipes(WrapPipe)
  piped(payload: unknown, task: unknown) {
    return { payload, isContext: task instanceof TaskContext };
  }

  @TaskHandler('app.piped-ctx')
  @UsePipes(WrapPipe)
  pipedCtx(@TaskCtx() task: unknown) {
    return { isContext: task instanceof TaskContext };
  }

  @TaskHandler('app.denied')
  @UseGuards(DenyAll)
  denied() {
    return 'never';
  }
}

const enhancers = (guard: new (...args: never[]) => CanActivate) => [
  { provide: APP_GUARD, useClass: guard },
  { provide: APP_INTERCEPTOR, useClass: TimingInterceptor },
  { provide: APP_PIPE, useClass: TrimPipe },
];

async function appWith(label: string, guard: new (...args: never[]) => CanActivate, options: Partial<TaskModuleOptions> = {}) {
  const prefix = uniquePrefix(label);
  const t = await startTaskApp(prefix, [Journal, AppTasks, ...enhancers(guard)], options);
  return { t, prefix, journal: t.get(Journal) };
}

describe('global enhancers and tasks', () => {
  const started: Array<{ t: TaskApp; prefix: string }> = [];
  afterAll(async () => {
    for (const { t, prefix } of started) {
      await t.close();
      await removePrefix(prefix);
    }
  });
  const open = async (...args: Parameters<typeof appWith>) => {
    const app = await appWith(...args);
    started.push(app);
    return app;
  };

  it('runs APP_GUARD, APP_INTERCEPTOR and APP_PIPE for tasks; a guard lets tasks pass by context type', async () => {
    const { t, journal } = await open('global-aware', TaskAwareAuthGuard);
    const ref = await t.queue.enqueue('app.work', { n: 1 });
    expect(await t.queue.waitFor(ref, { timeout: 10_000 })).toEqual({ n: 1, trimmed: true, intercepted: true });
    expect(journal.of(ref.id)).toEqual(['interceptor task', 'handler']);
  });

  it('ends a task dead at once when an HTTP-only global guard denies it, saying why', async () => {
    const { t, journal } = await open('global-http', HeaderAuthGuard);
    const ref = await t.queue.enqueue('app.work', { n: 2 }, { attempts: 3 });
    const error = await rejectionOf(t.queue, ref);
    expect(error.message).toMatch(/^Forbidden resource \(denied by HeaderAuthGuard, a global guard \(APP_GUARD, useGlobalGuards\): global guards run for tasks too\. /);
    expect(error.message).toMatch(/context\.getType\(\) === 'task'.*globalEnhancers: \{ guards: false \}/);
    expect(await t.queue.get(ref)).toMatchObject({ state: 'dead', attempts: 1 });
    expect(journal.of(ref.id)).toEqual(['http guard']);
  });

  it('names a global authentication guard that throws 401, and ends the task dead at once', async () => {
    const { t } = await open('global-401', BearerGuard);
    const ref = await t.queue.enqueue('app.work', { n: 5 }, { attempts: 3 });
    expect((await rejectionOf(t.queue, ref)).message).toMatch(/^Unauthorized \(denied by BearerGuard, a global guard \(APP_GUARD, useGlobalGuards\)/);
    expect(await t.queue.get(ref)).toMatchObject({ state: 'dead', attempts: 1 });
  });

  it("blames no global guard for a handler guard's denial when the global guards let the task pass", async () => {
    const { t, journal } = await open('global-pass-local-deny', TaskAwareAuthGuard);
    const ref = await t.queue.enqueue('app.denied', null, { attempts: 3 });
    expect((await rejectionOf(t.queue, ref)).message).toBe('Forbidden resource');
    expect(await t.queue.get(ref)).toMatchObject({ state: 'dead', attempts: 1 });
    expect(journal.of(ref.id)).toEqual([]);
  });

  it('runs pipes, global and bound, over the payload only: the TaskContext reaches the handler as it is', async () => {
    const { t } = await open('global-pipes-ctx', TaskAwareAuthGuard);
    const plain = await t.queue.enqueue('app.piped', { n: 6 });
    // TrimPipe (APP_PIPE) and WrapPipe (@UsePipes) both ran over the payload.
    expect(await t.queue.waitFor(plain, { timeout: 10_000 })).toEqual({ payload: { wrapped: { n: 6, trimmed: true } }, isContext: true, intercepted: true });
    const decorated = await t.queue.enqueue('app.piped-ctx', { n: 7 });
    expect(await t.queue.waitFor(decorated, { timeout: 10_000 })).toEqual({ isContext: true, intercepted: true });
  });

  it('leaves the global guards out with globalEnhancers: { guards: false }, and keeps the rest', async () => {
    const { t, journal } = await open('global-no-guards', HeaderAuthGuard, { globalEnhancers: { guards: false } });
    const ref = await t.queue.enqueue('app.work', { n: 3 });
    expect(await t.queue.waitFor(ref, { timeout: 10_000 })).toEqual({ n: 3, trimmed: true, intercepted: true });
    expect(journal.of(ref.id)).toEqual(['interceptor task', 'handler']);
  });

  it('leaves every global enhancer out with globalEnhancers: false', async () => {
    const { t, journal } = await open('global-none', HeaderAuthGuard, { globalEnhancers: false });
    const ref = await t.queue.enqueue('app.work', { n: 4 });
    expect(await t.queue.waitFor(ref, { timeout: 10_000 })).toEqual({ n: 4, trimmed: false });
    expect(journal.of(ref.id)).toEqual(['handler']);
  });

  it("adds no hint to a handler guard's denial when no global guard runs for tasks", async () => {
    const { t } = await open('global-local-deny', HeaderAuthGuard, { globalEnhancers: { guards: false } });
    const ref = await t.queue.enqueue('app.denied', null, { attempts: 3 });
    expect((await rejectionOf(t.queue, ref)).message).toBe('Forbidden resource');
    expect(await t.queue.get(ref)).toMatchObject({ state: 'dead', attempts: 1 });
  });
});
