import { Scope, type ArgumentsHost, type ExceptionFilter, type Type } from '@nestjs/common';
import type { ContextId, ModuleRef } from '@nestjs/core';
import { isObservable, lastValueFrom } from 'rxjs';
import { InvalidTaskOptionsError } from '../errors/invalid-task-options.error.js';
import { EXCEPTION_FILTERS_METADATA, FILTER_CATCH_EXCEPTIONS } from './nest-metadata-keys.js';
import type { TaskContext } from './task-context.js';

/** A filter bound to a handler: an instance, or a class Nest gives an instance of. */
interface BoundFilter {
  catches: Type<unknown>[];
  /** Given as an instance (`@UseFilters(new X())`), or a class's instance once known. */
  instance?: ExceptionFilter;
  /** Given as a class Nest knows: in a task's own context it is resolved there (its dependencies may be request-scoped). */
  type?: Type<ExceptionFilter>;
  /** Given as a class whose instance depends on the task (request-scoped or transient); `once` is a transient one's for a singleton. */
  scoped?: { once?: Promise<ExceptionFilter> };
}

/**
 * The exception filters of one handler, applied the way Nest applies them
 * (method filters before class filters, the last declared first, the first
 * whose @Catch matches wins), but without Nest's fallback, which logs every
 * unhandled error: here an unhandled error is a failed attempt, recorded with
 * the task and retried, so logging it per task would only add noise.
 */
export class TaskExceptionFilters {
  private constructor(
    private readonly filters: BoundFilter[],
    private readonly moduleRef: ModuleRef,
  ) {}

  static for(instance: object, method: Function, moduleRef: ModuleRef, source: string): TaskExceptionFilters {
    const type = instance.constructor as Type<unknown>;
    const declared = [
      ...((Reflect.getMetadata(EXCEPTION_FILTERS_METADATA, type) as unknown[] | undefined) ?? []),
      ...((Reflect.getMetadata(EXCEPTION_FILTERS_METADATA, method) as unknown[] | undefined) ?? []),
    ].reverse();
    const filters = declared.map((item): BoundFilter => {
      if (typeof item !== 'function') return { instance: item as ExceptionFilter, catches: catchesOf((item as object).constructor) };
      const filterType = item as Type<ExceptionFilter>;
      return { ...bind(filterType, moduleRef, source), catches: catchesOf(filterType) };
    });
    return new TaskExceptionFilters(filters, moduleRef);
  }

  /**
   * The filter's result for `error`, or `error` rethrown when no filter catches
   * it or the filter returns nothing. `contextId` is the task's, for a handler
   * resolved per task: a request-scoped filter is resolved in it, as Nest does.
   */
  async handle(error: unknown, payload: unknown, ctx: TaskContext, contextId?: ContextId): Promise<unknown> {
    const bound = this.filters.find(({ catches }) => catches.length === 0 || catches.some((type) => error instanceof type));
    if (!bound) throw error;
    const filter = await this.instanceOf(bound, contextId);
    const result = await filter.catch(error, taskArgumentsHost([payload, ctx]));
    if (result === undefined) throw error;
    return isObservable(result) ? lastValueFrom(result) : result;
  }

  private instanceOf(bound: BoundFilter, contextId: ContextId | undefined): ExceptionFilter | Promise<ExceptionFilter> {
    // In a task's context, as Nest does per request: the static instance for a static class, else one made there.
    if (contextId && bound.type) return this.moduleRef.resolve(bound.type, contextId, { strict: false });
    if (bound.instance) return bound.instance;
    const scoped = bound.scoped!;
    // A transient filter on a singleton host: one instance of its own for this handler, as Nest gives a route.
    scoped.once ??= this.moduleRef.resolve(bound.type!, undefined, { strict: false });
    return scoped.once;
  }
}

/**
 * A task's ArgumentsHost, as Nest makes one for any handler that is not HTTP
 * (and as the guards' ExecutionContext here is): the arguments by position,
 * so `switchToRpc()` gives the payload and the TaskContext, and
 * `switchToHttp().getRequest()` the payload.
 */
function taskArgumentsHost(args: [unknown, TaskContext]): ArgumentsHost {
  const at = <T>(index: number) => args[index] as T;
  return {
    getArgs: <T extends unknown[]>() => args as unknown as T,
    getArgByIndex: at,
    getType: <T extends string>() => 'task' as T,
    switchToRpc: () => ({ getData: <T>() => at<T>(0), getContext: <T>() => at<T>(1) }),
    switchToHttp: () => ({ getRequest: <T>() => at<T>(0), getResponse: <T>() => at<T>(1), getNext: <T>() => at<T>(2) }),
    switchToWs: () => ({ getClient: <T>() => at<T>(0), getData: <T>() => at<T>(1), getPattern: () => at<string>(args.length - 1) }),
  };
}

/** The @Catch types of a filter class (none: it catches everything). */
function catchesOf(type: Function): Type<unknown>[] {
  return (Reflect.getMetadata(FILTER_CATCH_EXCEPTIONS, type) as Type<unknown>[] | undefined) ?? [];
}

/** A filter class bound with @UseFilters, which Nest registers as an injectable of the host's module. */
function bind(type: Type<ExceptionFilter>, moduleRef: ModuleRef, source: string): Pick<BoundFilter, 'instance' | 'scoped' | 'type'> {
  let scope: Scope | undefined;
  try {
    // Its scope as Nest sees it: a default-scoped class with a request-scoped dependency is per request too.
    scope = moduleRef.introspect(type).scope;
  } catch (error) {
    // Nest registers @UseFilters classes only for a class provider's class: one of a useFactory or useValue
    // provider has none. Without dependencies it is made here, as Nest would; with some, it cannot be.
    const parameters = (Reflect.getMetadata('design:paramtypes', type) as unknown[] | undefined) ?? [];
    if (type.length === 0 && parameters.length === 0) return { instance: new type() };
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidTaskOptionsError(
      `@UseFilters(${type.name}) on ${source}: Nest has no instance of the filter, whose constructor takes dependencies (${reason}); ` +
        `Nest makes @UseFilters classes for classes listed in providers: list ${source.split('.')[0]} (not a useFactory or useValue provider), ` +
        `or pass an instance: @UseFilters(new ${type.name}(...))`,
    );
  }
  // Request-scoped and transient ones are resolved when a task needs them: get() refuses them.
  if (scope !== Scope.DEFAULT) return { scoped: {}, type };
  return { instance: moduleRef.get(type, { strict: false }), type };
}
