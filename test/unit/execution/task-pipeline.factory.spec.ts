import { LazyAbort } from '../../../lib/execution/lazy-abort.js';
import {
  Injectable,
  SetMetadata,
  UseGuards,
  UseInterceptors,
  UsePipes,
  ValidationPipe,
  type ArgumentMetadata,
  type CallHandler,
  type CanActivate,
  type ExecutionContext,
  type LoggerService,
  type NestInterceptor,
  type PipeTransform,
} from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { IsEmail } from 'class-validator';
import { tap } from 'rxjs';
import { TaskHandler } from '../../../lib/decorators/task-handler.decorator.js';
import { TaskCtx, TaskPayload } from '../../../lib/decorators/task-params.decorators.js';
import { classifyFailure } from '../../../lib/execution/failure.js';
import { AttemptState } from '../../../lib/execution/attempt-state.js';
import { attemptOf } from '../../../lib/execution/task-context.js';
import { TaskContext } from '../../../lib/execution/task-context.js';
import { TaskPipelineFactory } from '../../../lib/execution/task-pipeline.factory.js';
import { resolveTaskOptions } from '../../../lib/config/options.resolver.js';
import { RESOLVED_TASK_OPTIONS } from '../../../lib/config/resolved-options.js';

const calls: string[] = [];

class RecordingGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const rpc = context.switchToRpc();
    calls.push(`guard type=${context.getType()} role=${Reflect.getMetadata('role', context.getHandler())}`);
    calls.push(`guard data=${JSON.stringify(rpc.getData())} ctx=${rpc.getContext() instanceof TaskContext}`);
    calls.push(`guard class=${context.getClass().name} handler=${context.getHandler().name}`);
    return true;
  }
}

class DenyingGuard implements CanActivate {
  canActivate(): boolean {
    calls.push('deny');
    return false;
  }
}

class RecordingInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler) {
    calls.push(`interceptor before type=${context.getType()}`);
    return next.handle().pipe(tap((value) => calls.push(`interceptor after ${JSON.stringify(value)}`)));
  }
}

class RecordingPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    calls.push(`pipe ${metadata.type}`);
    return value;
  }
}

class FailingPipe implements PipeTransform {
  transform(): never {
    throw new Error('pipe rejected the payload');
  }
}

class EmailDto {
  @IsEmail()
  to!: string;
}

@Injectable()
class SampleTasks {
  seen: unknown[][] = [];

  @SetMetadata('role', 'mailer')
  @UseGuards(RecordingGuard)
  @UseInterceptors(RecordingInterceptor)
  @UsePipes(RecordingPipe)
  @TaskHandler('ordered')
  ordered(payload: { n: number }, ctx: TaskContext) {
    calls.push(`handler n=${payload.n} attempt=${ctx.attempt}`);
    return { doubled: payload.n * 2 };
  }

  @TaskHandler('plain')
  plain(...args: unknown[]) {
    this.seen.push(args);
    return 'ok';
  }

  @TaskHandler('decorated')
  decorated(@TaskCtx() ctx: TaskContext, @TaskPayload('to') to: string, @TaskPayload() whole: unknown) {
    this.seen.push([ctx, to, whole]);
    return to;
  }

  @TaskHandler('payload-only')
  payloadOnly(@TaskPayload() payload: { fail?: boolean }) {
    if (payload.fail) throw new Error('handler failed');
    return payload;
  }

  @UsePipes(new ValidationPipe({ transform: true }))
  @TaskHandler('validated')
  validated(payload: EmailDto, ctx: TaskContext) {
    this.seen.push([payload, ctx]);
    return payload.to;
  }

  @UseGuards(DenyingGuard)
  @TaskHandler('guarded')
  guarded() {
    calls.push('handler guarded');
  }

  @UsePipes(FailingPipe)
  @TaskHandler('bad-pipe')
  badPipe() {
    calls.push('handler bad-pipe');
  }

  @TaskHandler('throws')
  throws(): never {
    throw new Error('handler exploded');
  }
}

class CollectingLogger implements LoggerService {
  lines: string[] = [];
  log(message: unknown) {
    this.lines.push(`log ${String(message)}`);
  }
  error(message: unknown) {
    this.lines.push(`error ${String(message)}`);
  }
  warn(message: unknown) {
    this.lines.push(`warn ${String(message)}`);
  }
}

function newContext(attempt = 1): TaskContext {
  return new TaskContext('t-1', 'sample', 'default', attempt, 3, 1_700_000_000_000, new AttemptState(new LazyAbort()), {
    progress: async () => undefined,
    log: async () => undefined,
    dependencies: async () => new Map(),
  });
}

describe('TaskPipelineFactory', () => {
  let moduleRef: TestingModule;
  let factory: TaskPipelineFactory;
  let tasks: SampleTasks;
  const logger = new CollectingLogger();

  beforeAll(async () => {
    const options = { provide: RESOLVED_TASK_OPTIONS, useValue: resolveTaskOptions({ connection: 'redis://127.0.0.1:6379' }) };
    moduleRef = await Test.createTestingModule({ providers: [TaskPipelineFactory, SampleTasks, options] })
      .setLogger(logger)
      .compile();
    factory = moduleRef.get(TaskPipelineFactory);
    tasks = moduleRef.get(SampleTasks);
  });
  afterAll(async () => {
    await moduleRef.close();
  });
  beforeEach(() => {
    calls.length = 0;
    tasks.seen = [];
    logger.lines = [];
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  const invoke = (method: keyof SampleTasks, payload: unknown, ctx = newContext()) => factory.create(tasks, method)(payload, ctx);

  it('runs guards, then interceptors, then pipes (over the payload), then the handler, with context type task', async () => {
    await expect(invoke('ordered', { n: 21 }, newContext(2))).resolves.toEqual({ doubled: 42 });
    expect(calls).toEqual([
      'guard type=task role=mailer',
      'guard data={"n":21} ctx=true',
      'guard class=SampleTasks handler=ordered',
      'interceptor before type=task',
      // Over the payload only: the TaskContext argument skips the pipes.
      'pipe body',
      'handler n=21 attempt=2',
      'interceptor after {"doubled":42}',
    ]);
  });

  it('gives the payload and the TaskContext to the switchToRpc context', async () => {
    const ctx = newContext();
    let seen: { data: unknown; context: unknown } | undefined;
    jest.spyOn(RecordingGuard.prototype, 'canActivate').mockImplementationOnce((context: ExecutionContext) => {
      seen = { data: context.switchToRpc().getData(), context: context.switchToRpc().getContext() };
      return true;
    });
    await invoke('ordered', { n: 1 }, ctx);
    expect(seen?.data).toEqual({ n: 1 });
    expect(seen?.context).toBe(ctx);
  });

  it('calls an undecorated handler with (payload, ctx)', async () => {
    const ctx = newContext();
    const payload = { to: 'a@b.c' };
    await expect(invoke('plain', payload, ctx)).resolves.toBe('ok');
    expect(tasks.seen).toEqual([[payload, ctx]]);
    expect(tasks.seen[0][1]).toBe(ctx);
  });

  it('fills @TaskCtx and @TaskPayload parameters where they are declared', async () => {
    const ctx = newContext();
    await expect(invoke('decorated', { to: 'x@y.z', cc: 'c@d.e' }, ctx)).resolves.toBe('x@y.z');
    expect(tasks.seen).toHaveLength(1);
    const [gotCtx, to, whole] = tasks.seen[0];
    expect(gotCtx).toBe(ctx);
    expect(to).toBe('x@y.z');
    expect(whole).toEqual({ to: 'x@y.z', cc: 'c@d.e' });
  });

  it('runs a handler with only @TaskPayload and still tracks its stage', async () => {
    await expect(invoke('payloadOnly', { ok: 1 })).resolves.toEqual({ ok: 1 });
    const ctx = newContext();
    await expect(invoke('payloadOnly', { fail: true }, ctx)).rejects.toThrow('handler failed');
    expect(attemptOf(ctx).stage).toBe('handler');
  });

  it('validates the payload with a ValidationPipe and leaves the TaskContext untouched', async () => {
    const ctx = newContext();
    await expect(invoke('validated', { to: 'ann@example.com' }, ctx)).resolves.toBe('ann@example.com');
    const [payload, gotCtx] = tasks.seen[0];
    expect(payload).toBeInstanceOf(EmailDto);
    expect(gotCtx).toBe(ctx);
  });

  it('rejects a bad payload in the pipes stage: permanent, with the validation message', async () => {
    const ctx = newContext();
    const error = await invoke('validated', { to: 'not-an-email' }, ctx).catch((e: unknown) => e);
    expect(tasks.seen).toEqual([]);
    expect(attemptOf(ctx).stage).toBe('pipes');
    const failure = classifyFailure(error, attemptOf(ctx).stage);
    expect(failure.permanent).toBe(true);
    expect(failure.error.message).toContain('to must be an email');
  });

  it('marks any pipe error as stage pipes, which is permanent', async () => {
    const ctx = newContext();
    const error = await invoke('badPipe', {}, ctx).catch((e: unknown) => e);
    expect(error).toEqual(new Error('pipe rejected the payload'));
    expect(calls).toEqual([]);
    expect(attemptOf(ctx).stage).toBe('pipes');
    expect(classifyFailure(error, attemptOf(ctx).stage).permanent).toBe(true);
  });

  it("stops at a guard's denial before the pipes, which is permanent", async () => {
    const ctx = newContext();
    const error = await invoke('guarded', {}, ctx).catch((e: unknown) => e);
    expect(calls).toEqual(['deny']);
    expect(attemptOf(ctx).stage).toBe('before-pipes');
    expect(classifyFailure(error, attemptOf(ctx).stage).permanent).toBe(true);
  });

  it('marks a handler error as stage handler, which is retried', async () => {
    const ctx = newContext();
    const error = await invoke('throws', {}, ctx).catch((e: unknown) => e);
    expect(error).toEqual(new Error('handler exploded'));
    expect(attemptOf(ctx).stage).toBe('handler');
    expect(classifyFailure(error, attemptOf(ctx).stage).permanent).toBe(false);
  });

  it('logs nothing for a failing task (no per-task log lines at the default level)', async () => {
    await invoke('throws', {}).catch(() => undefined);
    await invoke('validated', { to: 'nope' }).catch(() => undefined);
    expect(logger.lines).toEqual([]);
  });
});
