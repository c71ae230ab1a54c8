import type { ArgumentsHost, ExceptionFilter, Type } from '@nestjs/common';
import type { ModuleRef } from '@nestjs/core';
import { isObservable, lastValueFrom } from 'rxjs';
import { EXCEPTION_FILTERS_METADATA, FILTER_CATCH_EXCEPTIONS } from './nest-metadata-keys.js';
import type { TaskContext } from './task-context.js';


interface BoundFilter {
  filter: ExceptionFilter;
  catches: Type<unknown>[];
}

/**
 * The exception filters of one handler, applied the way Nest applies them
 * (method filters before class filters, the last declared first, the first
 * whose @Catch matches wins), but without Nest's fallback, which logs every
 * unhandled error: here an unhandled error is a failed attempt, recorded with
 * the task and retried, so logging it per task would only add noise.
 */
export class TaskExceptionFilters {
  private constructor(private readonly filters: BoundFilter[]) {}

  static for(instance: object, method: Function, moduleRef: ModuleRef): TaskExceptionFilters {
    const declared = [
      ...((Reflect.getMetadata(EXCEPTION_FILTERS_METADATA, instance.constructor) as unknown[] | undefined) ?? []),
      ...((Reflect.getMetadata(EXCEPTION_FILTERS_METADATA, method) as unknown[] | undefined) ?? []),
    ].reverse();
    const filters = declared.map((item) => {
      const filter = typeof item === 'function' ? resolve(item as Type<ExceptionFilter>, moduleRef) : (item as ExceptionFilter);
      const catches = (Reflect.getMetadata(FILTER_CATCH_EXCEPTIONS, filter.constructor) as Type<unknown>[] | undefined) ?? [];
      return { filter, catches };
    });
    return new TaskExceptionFilters(filters);
  }

  /** The filter's result for `error`, or `error` rethrown when no filter catches it or the filter returns nothing. */
  async handle(error: unknown, payload: unknown, ctx: TaskContext): Promise<unknown> {
    const bound = this.filters.find(({ catches }) => catches.length === 0 || catches.some((type) => error instanceof type));
    if (!bound) throw error;
    const result = await bound.filter.catch(error, taskArgumentsHost(payload, ctx));
    if (result === undefined) throw error;
    return isObservable(result) ? lastValueFrom(result) : result;
  }
}

function resolve(type: Type<ExceptionFilter>, moduleRef: ModuleRef): ExceptionFilter {
  // Nest registers filter classes bound with @UseFilters as injectables of the host's module.
  try {
    return moduleRef.get(type, { strict: false });
  } catch {
    return new type();
  }
}

function taskArgumentsHost(payload: unknown, ctx: TaskContext): ArgumentsHost {
  const args = [payload, ctx];
  const host: ArgumentsHost = {
    getArgs: <T extends unknown[]>() => args as T,
    getArgByIndex: <T>(index: number) => args[index] as T,
    getType: <T extends string>() => 'task' as T,
    switchToRpc: () => ({ getData: <T>() => payload as T, getContext: <T>() => ctx as T }),
    switchToHttp: () => {
      throw new Error('a task has no HTTP context');
    },
    switchToWs: () => {
      throw new Error('a task has no WebSocket context');
    },
  };
  return host;
}
