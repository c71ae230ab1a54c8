import { Injectable } from '@nestjs/common';
import { ExternalContextCreator, ModuleRef } from '@nestjs/core';
import { TaskContext, attemptOf } from './task-context.js';
import { TaskExceptionFilters } from './task-exception-filters.js';
import { TaskParamsFactory } from './task-params.factory.js';
import { TASK_ARGS_METADATA, TaskParamType, type TaskParamMetadata } from './task-param-type.js';

/** Runs one handler for one task through Nest's pipeline; resolves with what the handler returned. */
export type TaskInvoker = (payload: unknown, ctx: TaskContext) => Promise<unknown>;

type Method = (...args: unknown[]) => unknown;

/**
 * Wraps a handler method the way Nest wraps microservice handlers: guards,
 * interceptors and pipes from the method, its class and the app (through
 * ExternalContextCreator, context type `'task'`), then the exception filters
 * of the method and its class (see TaskExceptionFilters). `switchToRpc().getData()` is the
 * payload and `getContext()` the TaskContext.
 */
@Injectable()
export class TaskPipelineFactory {
  private readonly paramsFactory = new TaskParamsFactory();

  constructor(
    private readonly contextCreator: ExternalContextCreator,
    private readonly moduleRef: ModuleRef,
  ) {}

  create(instance: object, methodName: string): TaskInvoker {
    const original = (instance as Record<string, Method>)[methodName];
    ensureParamMetadata(instance, methodName);
    const run = this.contextCreator.create(
      instance,
      markingHandler(original),
      methodName,
      TASK_ARGS_METADATA,
      this.paramsFactory,
      undefined,
      undefined,
      { guards: true, interceptors: true, filters: false },
      'task',
    ) as TaskInvoker;
    const filters = TaskExceptionFilters.for(instance, original, this.moduleRef);
    return (payload, ctx) => run(payload, ctx).catch((error: unknown) => filters.handle(error, payload, ctx));
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
