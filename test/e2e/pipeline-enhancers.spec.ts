import {
  Catch,
  Injectable,
  UseFilters,
  UseGuards,
  UseInterceptors,
  UsePipes,
  type ArgumentMetadata,
  type ArgumentsHost,
  type CallHandler,
  type CanActivate,
  type ExceptionFilter,
  type ExecutionContext,
  type NestInterceptor,
  type PipeTransform,
} from '@nestjs/common';
import { map, tap } from 'rxjs';
import { TaskContext, TaskHandler } from '../../lib/index.js';
import { Journal, rejectionOf } from '../fixtures/pipeline-fixtures.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';

// Every enhancer records itself under the `key` the payload carries, so one
// task's journal is the order in which its pipeline ran.
type Payload = { key: string; fail?: 'method-filtered' | 'class-filtered' };

const keyOf = (context: ExecutionContext) => context.switchToRpc().getData<Payload>().key;

class MethodFilteredError extends Error {}
class ClassFilteredError extends Error {}

@Injectable()
class ClassGuard implements CanActivate {
  constructor(private readonly journal: Journal) {}
  canActivate(context: ExecutionContext): boolean {
    this.journal.record(keyOf(context), 'guard:class');
    return true;
  }
}

@Injectable()
class MethodGuard implements CanActivate {
  constructor(private readonly journal: Journal) {}
  canActivate(context: ExecutionContext): boolean {
    this.journal.record(keyOf(context), 'guard:method');
    return true;
  }
}

@Injectable()
class ClassInterceptor implements NestInterceptor {
  constructor(private readonly journal: Journal) {}
  intercept(context: ExecutionContext, next: CallHandler) {
    const key = keyOf(context);
    this.journal.record(key, 'interceptor:class:before');
    return next.handle().pipe(
      tap(() => this.journal.record(key, 'interceptor:class:after')),
      map((result: object) => ({ ...result, classIntercepted: true })),
    );
  }
}

/** Also records what the execution context shows, for the test to inspect. */
@Injectable()
class MethodInterceptor implements NestInterceptor {
  constructor(private readonly journal: Journal) {}
  intercept(context: ExecutionContext, next: CallHandler) {
    const key = keyOf(context);
    this.journal.record(key, 'interceptor:method:before');
    this.journal.record(`${key}:context`, {
      type: context.getType<string>(),
      data: context.switchToRpc().getData(),
      ctx: context.switchToRpc().getContext(),
      args: context.getArgs(),
      handler: context.getHandler().name,
      class: context.getClass(),
    });
    return next.handle().pipe(
      tap(() => this.journal.record(key, 'interceptor:method:after')),
      map((result: object) => ({ ...result, methodIntercepted: true })),
    );
  }
}

@Injectable()
class ClassPipe implements PipeTransform {
  constructor(private readonly journal: Journal) {}
  transform(value: unknown, metadata: ArgumentMetadata) {
    // Pipes see every parameter; the payload is the one typed 'body'.
    if (metadata.type === 'body') this.journal.record((value as Payload).key, 'pipe:class');
    return value;
  }
}

@Injectable()
class MethodPipe implements PipeTransform {
  constructor(private readonly journal: Journal) {}
  transform(value: unknown, metadata: ArgumentMetadata) {
    if (metadata.type === 'body') this.journal.record((value as Payload).key, 'pipe:method');
    return value;
  }
}

@Catch(MethodFilteredError)
class MethodFilter implements ExceptionFilter {
  catch(error: MethodFilteredError, host: ArgumentsHost): never {
    throw new Error(`method filter (${host.getType()}) caught: ${error.message}`);
  }
}

@Catch(ClassFilteredError)
class ClassFilter implements ExceptionFilter {
  catch(error: ClassFilteredError, host: ArgumentsHost): never {
    throw new Error(`class filter (${host.getType()}) caught: ${error.message}`);
  }
}

@Injectable()
@UseGuards(ClassGuard)
@UseInterceptors(ClassInterceptor)
@UsePipes(ClassPipe)
@UseFilters(ClassFilter)
class PipelineTasks {
  constructor(private readonly journal: Journal) {}

  @TaskHandler('pipeline.run', { queue: 'pipeline', attempts: 1 })
  @UseGuards(MethodGuard)
  @UseInterceptors(MethodInterceptor)
  @UsePipes(MethodPipe)
  @UseFilters(MethodFilter)
  async run(payload: Payload, task: TaskContext) {
    this.journal.record(payload.key, 'handler');
    this.journal.record(`${payload.key}:handler-ctx`, task);
    if (payload.fail === 'method-filtered') throw new MethodFilteredError(`boom ${payload.key}`);
    if (payload.fail === 'class-filtered') throw new ClassFilteredError(`boom ${payload.key}`);
    return { handled: payload.key };
  }
}

describe('handlers run through Nest guards, interceptors, pipes and filters of the method and its class', () => {
  const prefix = uniquePrefix('pipeline-enhancers');
  let t: TaskApp;
  let journal: Journal;

  beforeAll(async () => {
    t = await startTaskApp(prefix, [Journal, PipelineTasks]);
    journal = t.get(Journal);
  });
  afterAll(async () => {
    await t.close();
    await removePrefix(prefix);
  });

  it('runs class and method guards, then interceptors, then pipes, then the handler', async () => {
    const ref = await t.queue.enqueue('pipeline.run', { key: 'order' });
    await t.queue.waitFor(ref, { timeout: 5_000 });
    expect(journal.of('order')).toEqual([
      'guard:class',
      'guard:method',
      'interceptor:class:before',
      'interceptor:method:before',
      'pipe:class',
      'pipe:method',
      'handler',
      'interceptor:method:after',
      'interceptor:class:after',
    ]);
  });

  it("gives interceptors a 'task' context whose rpc data is the payload and whose rpc context is the TaskContext", async () => {
    const payload = { key: 'context' };
    const ref = await t.queue.enqueue('pipeline.run', payload);
    expect(ref.queue).toBe('pipeline');
    await t.queue.waitFor(ref, { timeout: 5_000 });

    const [seen] = journal.of<{ type: string; data: unknown; ctx: TaskContext; args: unknown[]; handler: string; class: unknown }>(
      'context:context',
    );
    expect(seen.type).toBe('task');
    expect(seen.data).toEqual(payload);
    expect(seen.handler).toBe('run');
    expect(seen.class).toBe(PipelineTasks);

    const ctx = seen.ctx;
    expect(ctx).toBeInstanceOf(TaskContext);
    expect(ctx).toMatchObject({ id: ref.id, name: 'pipeline.run', queue: 'pipeline', attempt: 1, maxAttempts: 1 });
    expect(ctx.signal).toBeInstanceOf(AbortSignal);
    expect(ctx.signal.aborted).toBe(false);
    expect(seen.args).toEqual([payload, ctx]);
    // The handler gets the very context the interceptors saw.
    expect(journal.of('context:handler-ctx')[0]).toBe(ctx);
  });

  it("stores and returns the result as the interceptors transformed it", async () => {
    const ref = await t.queue.enqueue('pipeline.run', { key: 'result' });
    const expected = { handled: 'result', methodIntercepted: true, classIntercepted: true };
    await expect(t.queue.waitFor(ref, { timeout: 5_000 })).resolves.toEqual(expected);
    const info = await t.queue.get(ref);
    expect(info).toMatchObject({ state: 'completed', result: expected });
  });

  it('applies the exception filter of the method', async () => {
    const ref = await t.queue.enqueue('pipeline.run', { key: 'm-filter', fail: 'method-filtered' });
    const error = await rejectionOf(t.queue, ref);
    expect(error.message).toBe('method filter (task) caught: boom m-filter');
    const info = await t.queue.get(ref);
    expect(info).toMatchObject({ state: 'dead', attempts: 1, error: { message: 'method filter (task) caught: boom m-filter' } });
  });

  it('applies the exception filter of the class', async () => {
    const ref = await t.queue.enqueue('pipeline.run', { key: 'c-filter', fail: 'class-filtered' });
    const error = await rejectionOf(t.queue, ref);
    expect(error.message).toBe('class filter (task) caught: boom c-filter');
    const info = await t.queue.get(ref);
    expect(info).toMatchObject({ state: 'dead', attempts: 1, error: { message: 'class filter (task) caught: boom c-filter' } });
  });
});
