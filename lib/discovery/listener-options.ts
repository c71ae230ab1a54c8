import { checkKnownKeys, checkName, checkQueueName, describeValue, isOptionsObject } from '../config/option-checks.js';
import { InvalidTaskOptionsError } from '../errors/invalid-task-options.error.js';

/** The options an event listener decorator took, checked: its event type, and the task name and queue it filters on. */
export interface ListenerFilter<T extends string> {
  type: T;
  /** Only tasks of this name; null: all. */
  name: string | null;
  /** Only this queue; undefined when the decorator gave none. */
  queue: string | undefined;
  /** The queue of the definition given as `name`, when it names one. */
  definitionQueue: string | undefined;
}

/**
 * Checks what @OnTaskEvent or @OnWorkerEvent stored (`where` names the
 * decorator and the method): a known event type, and options `{ name?, queue? }`
 * where `name` is a task name or a definition. Throws InvalidTaskOptionsError.
 */
export function checkListener<T extends string>(
  meta: { type: unknown; options: unknown },
  types: readonly T[],
  where: string,
  /** What an unknown type is called here, when it has a name elsewhere (renamed-options.ts). */
  hint: (type: unknown) => string = () => '',
): ListenerFilter<T> {
  if (typeof meta.type !== 'string' || !types.includes(meta.type as T)) {
    throw new InvalidTaskOptionsError(`${where}: unknown event type ${JSON.stringify(meta.type)} (known: ${types.join(', ')})${hint(meta.type)}`);
  }
  const options = meta.options;
  if (!isOptionsObject(options)) {
    throw new InvalidTaskOptionsError(`${where}: options must be an object { name?, queue? }, got ${describeValue(options)}`);
  }
  checkKnownKeys(options, ['name', 'queue'], where, '');
  const { name, queue } = options as { name?: unknown; queue?: unknown };
  // A definition stands for its name, and names the queue its tasks go to.
  const definition = name !== null && typeof name === 'object' ? (name as { name?: unknown; options?: { queue?: unknown } }) : undefined;
  const taskName = definition ? definition.name : name;
  const definitionQueue = definition?.options?.queue;
  return {
    type: meta.type as T,
    name: taskName === undefined ? null : checkName(taskName, where, 'name'),
    queue: queue === undefined ? undefined : checkQueueName(queue, where, 'queue'),
    definitionQueue: definitionQueue === undefined ? undefined : checkQueueName(definitionQueue, where, "the definition's queue"),
  };
}
