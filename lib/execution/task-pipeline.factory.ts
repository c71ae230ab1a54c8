import { Inject, Injectable, type InjectionToken } from '@nestjs/common';
import { ContextIdFactory, ExternalContextCreator, ModuleRef, type ContextId } from '@nestjs/core';
import { RESOLVED_TASK_OPTIONS, type ResolvedTaskOptions } from '../config/resolved-options.js';
import { contextCreatorFor, explainDenial, globalGuards, makeInContext, scopedGlobalReader, type ScopedGlobal } from './global-enhancers.js';
import { TaskContext, attemptOf } from './task-context.js';
import { taskContextCreator } from './task-context-creator.js';
import { TaskExceptionFilters } from './task-exception-filters.js';
import { TaskParamsFactory } from './task-params.factory.js';
import { TASK_ARGS_METADATA, TaskParamType, type TaskParamMetadata } from './task-param-type.js';
import { taskRequest } from './task-request.js';

/** Runs one handler for one task through Nest's pipeline; resolves with what the handler returned. */
export type TaskInvoker = (payload: unknown, ctx: TaskContext) => Promise<unknown>;

type Method = (...args: unknown[]) => unknown;

/**
 * Wraps a handler method the way Nest wraps microservice handlers: guards,
 * interceptors and pipes from the method, its class and the app (through
 * ExternalContextCreator, context type `'task'`; the app's global ones as the
 * `globalEnhancers` option says), then the exception filters of the method
 * and its class (see TaskExceptionFilters). `switchToRpc().getData()` is the
 * payload and `getContext()` the TaskContext.
 */
@Injectable()
export class TaskPipelineFactory {
  private readonly paramsFactory = new TaskParamsFactory();
  private readonly contextCreator: ExternalContextCreator;
  /** The app's global guards (read when a denial needs them: Nest registers them after this factory is made). */
  private readonly globalGuards: () => object[];
  /** The app's request-scoped and transient global enhancers, read at the first task (registered by then). */
  private scopedGlobals: ScopedGlobal[] | null = null;
  private readonly readScopedGlobals: () => ScopedGlobal[];

  constructor(
    contextCreator: ExternalContextCreator,
    private readonly moduleRef: ModuleRef,
    @Inject(RESOLVED_TASK_OPTIONS) options: ResolvedTaskOptions,
  ) {
    this.contextCreator = taskContextCreator(contextCreatorFor(contextCreator, options.globalEnhancers));
    this.globalGuards = () => (options.globalEnhancers.guards ? globalGuards(contextCreator) : []);
    this.readScopedGlobals = scopedGlobalReader(contextCreator, options.globalEnhancers);
  }

  /**
   * The invoker of a method of a singleton provider: its pipeline built once,
   * or, when the app has request-scoped or transient global enhancers, per
   * task in the task's context (the instance stays the singleton).
   */
  create(instance: object, methodName: string, providerId?: string): TaskInvoker {
    const original = (instance as Record<string, Method>)[methodName];
    ensureParamMetadata(instance, methodName);
    const handler = markingHandler(original);
    const filters = TaskExceptionFilters.for(instance, original, this.moduleRef, `${instance.constructor.name}.${methodName}`);
    // Asking as the class, as Nest's router asks as a controller: a transient guard or interceptor bound to the
    // class or the method is kept per class that asked, and asked as nothing Nest hands back a stand-in.
    const staticRun = this.withFilters(this.contextOf(instance, handler, methodName, undefined, providerId), filters);
    return (payload, ctx) => {
      if (this.scoped().length === 0) return staticRun(payload, ctx);
      return this.inTaskContext(payload, ctx, false, providerId, async (contextId, guards) =>
        this.withFilters(this.contextOf(instance, handler, methodName, contextId, providerId), filters, contextId, guards),
      );
    };
  }

  /**
   * The invoker of a method of a request-scoped (or durable) provider: per
   * task, a context id from Nest's ContextIdFactory (so a ContextIdStrategy
   * makes durable trees), the task registered as that context's request
   * (REQUEST is a TaskRequest; TASK_CONTEXT its TaskContext), an instance
   * resolved for it, and the pipeline built for that instance, as Nest's
   * microservices do for request-scoped handlers.
   */
  createScoped(stand: object, methodName: string, provider: { token: InjectionToken; id: string; durable: boolean }): TaskInvoker {
    const original = (stand as Record<string, Method>)[methodName];
    ensureParamMetadata(stand, methodName);
    const handler = markingHandler(original);
    const filters = TaskExceptionFilters.for(stand, original, this.moduleRef, `${stand.constructor.name}.${methodName}`);
    return (payload, ctx) =>
      this.inTaskContext(payload, ctx, provider.durable, provider.id, async (contextId, guards) => {
        const instance = await this.moduleRef.resolve<object>(provider.token, contextId, { strict: false });
        return this.withFilters(this.contextOf(instance, handler, methodName, contextId, provider.id), filters, contextId, guards);
      });
  }

  /**
   * Runs the invoker `build` makes in a context of this task's own: its id
   * from ContextIdFactory, the task registered as its request, and the app's
   * scoped global enhancers made in it before the pipeline reads them.
   */
  private async inTaskContext(
    payload: unknown,
    ctx: TaskContext,
    durable: boolean,
    inquirerId: string | undefined,
    /** Builds the invoker for the context, given the scoped global guards made in it (for a denial's hint). */
    build: (contextId: ContextId, guards: readonly object[]) => Promise<TaskInvoker>,
  ): Promise<unknown> {
    const request = taskRequest(payload, ctx);
    let contextId: ContextId;
    try {
      contextId = ContextIdFactory.getByRequest(request);
    } catch (error) {
      // A strategy written for HTTP requests (reading request.headers) meets a task here.
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(
        `the app's ContextIdStrategy failed on task ${ctx.id} ('${ctx.name}'): ${reason}; a strategy gets every task that has a context of its own ` +
          "(on a request-scoped class, or in an app with request-scoped or transient global enhancers), as a TaskRequest { name, payload, context }, which has no headers",
        { cause: error },
      );
    }
    // As Nest's router and microservices do: a durable tree's REQUEST is the strategy's payload (shared by the
    // tasks of one durable context); any other tree gets this task's request, with the strategy's payload merged
    // in, its own fields kept.
    const registered: unknown = durable ? contextId.payload : { ...request, ...(contextId.payload as object | undefined), ...request };
    this.moduleRef.registerRequestByContextId(registered, contextId);
    const scoped = this.scoped();
    const made = await Promise.all(scoped.map(({ wrapper }) => makeInContext(wrapper, this.moduleRef, contextId, inquirerId)));
    return (await build(contextId, made.filter((_, i) => scoped[i].kind === 'guards')))(payload, ctx);
  }

  /** The app's scoped global enhancers, read at the first task (Nest has registered them all by then). */
  private scoped(): ScopedGlobal[] {
    this.scopedGlobals ??= this.readScopedGlobals();
    return this.scopedGlobals;
  }

  private contextOf(instance: object, handler: Method, methodName: string, contextId?: ContextId, inquirerId?: string): TaskInvoker {
    const options = { guards: true, interceptors: true, filters: false };
    return this.contextCreator.create(instance, handler, methodName, TASK_ARGS_METADATA, this.paramsFactory, contextId, inquirerId, options, 'task') as TaskInvoker;
  }

  private withFilters(run: TaskInvoker, filters: TaskExceptionFilters, contextId?: ContextId, scopedGuards: readonly object[] = []): TaskInvoker {
    const guards = scopedGuards.length === 0 ? this.globalGuards : () => [...this.globalGuards(), ...scopedGuards];
    return (payload, ctx) =>
      run(payload, ctx).catch((error: unknown) => {
        const attempt = attemptOf(ctx);
        const explained = attempt.stage === 'before-pipes' ? explainDenial(error, attempt.deniedBy, guards) : error;
        return filters.handle(explained, payload, ctx, contextId);
      });
  }
}

/**
 * The method, wrapped to record that the handler itself started (so its errors
 * are retried, unlike a pipe's). It carries every metadata key of the original
 * so guards, interceptors and `Reflector` lookups on `getHandler()` see the same.
 */
function markingHandler(original: Method): Method {
  const handler = function (this: unknown, ...args: unknown[]): unknown {
    for (const arg of args) if (arg instanceof TaskContext) attemptOf(arg).stage = 'handler';
    return original.apply(this, args);
  };
  for (const key of Reflect.getMetadataKeys(original)) {
    Reflect.defineMetadata(key, Reflect.getMetadata(key, original), handler);
  }
  Object.defineProperty(handler, 'name', { value: original.name });
  return handler;
}

/**
 * Undecorated handlers get `(payload, ctx)`. Decorated ones keep their
 * parameters, plus a trailing context argument when they declare none, so the
 * pipeline can always tell which task a call belongs to.
 */
function ensureParamMetadata(instance: object, methodName: string): void {
  const host = instance.constructor;
  const existing = Reflect.getMetadata(TASK_ARGS_METADATA, host, methodName) as Record<string, TaskParamMetadata> | undefined;
  const entry = (type: TaskParamType, index: number): Record<string, TaskParamMetadata> => ({
    [`${type}:${index}`]: { index, data: undefined, pipes: [] },
  });
  if (!existing || Object.keys(existing).length === 0) {
    Reflect.defineMetadata(
      TASK_ARGS_METADATA,
      { ...entry(TaskParamType.PAYLOAD, 0), ...entry(TaskParamType.CONTEXT, 1) },
      host,
      methodName,
    );
    return;
  }
  const keys = Object.keys(existing);
  if (keys.some((key) => key.startsWith(`${TaskParamType.CONTEXT}:`))) return;
  const next = Math.max(...Object.values(existing).map((p) => p.index)) + 1;
  Reflect.defineMetadata(TASK_ARGS_METADATA, { ...existing, ...entry(TaskParamType.CONTEXT, next) }, host, methodName);
}
