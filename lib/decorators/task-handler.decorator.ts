import { Reflector } from '@nestjs/core';
import type { Observable } from 'rxjs';
import type { TaskDefinition, TaskSchema } from '../interfaces/task-definition.interface.js';
import type { DefinitionHandlerOptions, TaskHandlerOptions } from '../interfaces/task-handler-options.interface.js';
import { describeValue, isOptionsObject } from '../config/option-checks.js';
import { checkMethodPlacement } from './method-placement.js';

/** What @TaskHandler stores on a method. */
export interface TaskHandlerMetadata extends TaskHandlerOptions {
  name: string;
  /** The definition's payload schema, checked before the handler runs. */
  schema?: TaskSchema;
  /** Options given beside a definition that the enqueuing app settles (refused at bootstrap). */
  besideDefinition?: readonly string[];
  /** Why the decorator's arguments are not a task and options (refused at bootstrap, naming the method). */
  badArguments?: string;
}

/**
 * The options an enqueuing app settles when it stores a task. Beside a
 * definition they would be known only to apps that have this handler: a
 * producer-only app enqueuing by the definition would send the task to the
 * definition's queue with the definition's policy, so they belong in defineTask.
 */
const SETTLED_AT_ENQUEUE = new Set<string>(['queue', 'attempts', 'backoff', 'timeout', 'removeOnComplete', 'removeOnDead']);

/** The typed metadata decorator behind @TaskHandler; read it with `reflector.get(TaskHandlerMeta, method)`. */
export const TaskHandlerMeta = Reflector.createDecorator<TaskHandlerMetadata>({ key: 'nestjs-redis-tasks:handler' });

/**
 * The decorator `@TaskHandler(definition)` returns: the method's first
 * parameter must accept the definition's payload (its schema's output) and
 * the method must return its result (or a promise or observable of it). The
 * later parameters are left unchecked: with parameter decorators
 * (createParamDecorator, @TaskCtx) any of them may hold what its decorator gives.
 */
export type TypedTaskHandlerDecorator<O, R> = <M extends (payload: O, ...rest: never[]) => R | Promise<R> | Observable<R>>(
  target: object,
  key: string | symbol,
  // Not TypedPropertyDescriptor: under exactOptionalPropertyTypes its `value?: M` added a misleading line to every error.
  descriptor: { value?: M | undefined },
) => void;

/** What `@TaskHandler(task)` returns: for a definition, a decorator that checks the method against it. */
export type HandlerDecoratorOf<T> = T extends TaskDefinition<infer _P, infer R, infer O> ? TypedTaskHandlerDecorator<O, R> : MethodDecorator;

/**
 * Marks a provider method as the handler of a task: by definition (see
 * `defineTask`, whose options and schema it takes; beside it, `options` may add
 * only what the worker applies: concurrency, globalConcurrency, schedule), or
 * by name. The method receives `(payload, task: TaskContext)` and runs through
 * the guards, interceptors, pipes and exception filters bound to it or its
 * class. Options are checked at bootstrap.
 */
// By name, by definition (its types allowed), and last one signature for both: no overload matching, TypeScript 7
// reports only the last one's error, which for two overloads blamed the wrong argument for one of them.
export function TaskHandler(name: string, options?: TaskHandlerOptions): MethodDecorator;
export function TaskHandler<P, R, O>(task: TaskDefinition<P, R, O>, options?: DefinitionHandlerOptions): TypedTaskHandlerDecorator<O, R>;
export function TaskHandler<const T extends string | TaskDefinition<unknown, unknown, unknown>>(
  task: T,
  options?: T extends string ? TaskHandlerOptions : DefinitionHandlerOptions,
): HandlerDecoratorOf<T>;
export function TaskHandler(task: string | TaskDefinition<unknown, unknown, unknown>, options: TaskHandlerOptions = {}): MethodDecorator {
  const decorate = handlerMetadata(task, options);
  const label = typeof task === 'string' ? JSON.stringify(task) : typeof task?.name === 'string' ? JSON.stringify(task.name) : '...';
  return <T>(target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<T>) => {
    checkMethodPlacement(`@TaskHandler(${label})`, target, key, descriptor);
    decorate(target, key, descriptor);
  };
}

/** The metadata decorator for these arguments. Wrong arguments are reported at bootstrap, where the method can be named. */
function handlerMetadata(task: string | TaskDefinition<unknown, unknown, unknown>, options: TaskHandlerOptions): MethodDecorator {
  if (!isOptionsObject(options)) {
    return TaskHandlerMeta({ name: typeof task === 'string' ? task : '', badArguments: `its options must be an object, got ${describeArgument(options)}` });
  }
  if (typeof task === 'string') return TaskHandlerMeta({ ...options, name: task });
  if (task === null || typeof task !== 'object' || typeof task.name !== 'string') {
    return TaskHandlerMeta({
      name: '',
      badArguments: `its first argument must be a task name or a definition made by defineTask(), got ${describeArgument(task)} (an import cycle can leave a definition undefined where it is used)`,
    });
  }
  // A setting given as undefined (options built from configuration) is not given: it neither counts as set
  // beside the definition nor overwrites the definition's own value.
  const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as TaskHandlerOptions;
  const besideDefinition = Object.keys(given).filter((key) => SETTLED_AT_ENQUEUE.has(key));
  return TaskHandlerMeta({
    ...task.options,
    ...given,
    name: task.name,
    ...(task.schema !== undefined && { schema: task.schema }),
    ...(besideDefinition.length > 0 && { besideDefinition }),
  });
}

/** An argument as an error names it: an object by its keys, which tell a definition from options. */
function describeArgument(value: unknown): string {
  return isOptionsObject(value) ? `an object with keys ${JSON.stringify(Object.keys(value))}` : describeValue(value);
}
