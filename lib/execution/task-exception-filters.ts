import type { ArgumentsHost, ExceptionFilter, Type } from '@nestjs/common';
import type { ContextId, ModuleRef } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { isObservable, lastValueFrom } from 'rxjs';
import { InvalidTaskOptionsError } from '../errors/invalid-task-options.error.js';
import { EXCEPTION_FILTERS_METADATA, FILTER_CATCH_EXCEPTIONS } from './nest-metadata-keys.js';
import type { TaskContext } from './task-context.js';

/** A filter bound to a handler: an instance, or a class Nest gives an instance of. */
interface BoundFilter {
  catches: Type<unknown>[];
  /** Given as an instance (`@UseFilters(new X())`), or a class's instance once known. */
  instance?: ExceptionFilter;
  /** Given as a class whose instance depends on the task: request-scoped or transient. */
  scoped?: { type: Type<ExceptionFilter>; once?: Promise<ExceptionFilter> };
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
    private readonly host: { type: Type<unknown>; handler: Function },
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
    return new TaskExceptionFilters(filters, moduleRef, { type, handler: method });
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
    const host = new ExecutionContextHost([payload, ctx], this.host.type, this.host.handler);
    host.setType('task');
    const result = await filter.catch(error, host as ArgumentsHost);
    if (result === undefined) throw error;
    return isObservable(result) ? lastValueFrom(result) : result;
  }

  private instanceOf(bound: BoundFilter, contextId: ContextId | undefined): ExceptionFilter | Promise<ExceptionFilter> {
    if (bound.instance) return bound.instance;
    const scoped = bound.scoped!;
    if (contextId) return this.moduleRef.resolve(scoped.type, contextId, { strict: false });
    // A transient filter on a singleton host: one instance of its own for this handler, as Nest gives a route.
    scoped.once ??= this.moduleRef.resolve(scoped.type, undefined, { strict: false });
    return scoped.once;
  }
}

/** The @Catch types of a filter class (none: it catches everything). */
function catchesOf(type: Function): Type<unknown>[] {
  return (Reflect.getMetadata(FILTER_CATCH_EXCEPTIONS, type) as Type<unknown>[] | undefined) ?? [];
}

/** A filter class bound with @UseFilters, which Nest registers as an injectable of the host's module. */
function bind(type: Type<ExceptionFilter>, moduleRef: ModuleRef, source: string): Pick<BoundFilter, 'instance' | 'scoped'> {
  try {
    return { instance: moduleRef.get(type, { strict: false }) };
  } catch (error) {
    // get() refuses request-scoped and transient classes: they are resolved when a task needs them.
    if (error instanceof Error && error.constructor.name === 'InvalidClassScopeException') return { scoped: { type } };
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidTaskOptionsError(`@UseFilters(${type.name}) on ${source}: Nest has no instance of the filter (${reason})`);
  }
}
