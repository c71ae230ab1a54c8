import { DEFAULTS } from '../config/defaults.js';
import { checkBackoff, checkName, checkPolicy, checkPriority, checkQueueName, checkRange, checkRemoveOption, describeValue, isOptionsObject, type OptionKeys } from '../config/option-checks.js';
import type { FallbackPolicy } from '../config/resolved-options.js';
import type { HandlerDefaults } from '../discovery/handler-options.normalizer.js';
import { MAX_DEPENDENCIES, type QueuedTask } from '../engine/new-task.js';
import { encodePayload } from '../engine/payload-json.js';
import { InvalidTaskOptionsError } from '../errors/invalid-task-options.error.js';
import type { EnqueueOptions } from '../interfaces/enqueue-options.interface.js';
import { taskOptionHint } from '../config/renamed-options.js';

const ENQUEUE_KEYS = {
  id: true, delay: true, runAt: true, priority: true, attempts: true, backoff: true, timeout: true, queue: true,
  dependsOn: true, dependencyFailure: true, removeOnComplete: true, removeOnDead: true,
} as const satisfies OptionKeys<EnqueueOptions>;

/** What an enqueue without options reads its options from (nothing to check in it). */
const NO_OPTIONS: EnqueueOptions = Object.freeze({});

function dependencyIds(value: unknown, queue: string, where: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new InvalidTaskOptionsError(`${where}: dependsOn must be an array of task ids or refs`);
  if (value.length > MAX_DEPENDENCIES) {
    throw new InvalidTaskOptionsError(
      `${where}: dependsOn names ${value.length} tasks, more than ${MAX_DEPENDENCIES}: the script that stores the task would hold Redis for ` +
        'seconds; depend on a few tasks that each depend on a share of them instead',
    );
  }
  const ids = value.map((dep: unknown, i) => {
    if (dep !== null && typeof dep === 'object') {
      const ref = dep as { id?: unknown; queue?: unknown };
      if (ref.queue !== queue) {
        throw new InvalidTaskOptionsError(
          `${where}: dependsOn[${i}] is in queue '${String(ref.queue)}', but dependencies must be in the task's own queue '${queue}': ` +
            'each queue is one atomic unit (one Redis Cluster slot), and a dependency edge is kept atomically with both tasks; ' +
            'put tasks that depend on each other in the same queue',
        );
      }
      return checkName(ref.id, where, `dependsOn[${i}].id`);
    }
    return checkName(dep, where, `dependsOn[${i}]`);
  });
  return [...new Set(ids)];
}

/**
 * Turns enqueue arguments into a storable task, or throws before anything is
 * written. Precedence: enqueue options, then the handler's, then `fallback`
 * for the task's queue (its queue defaults over the module's). A task without
 * an `id` option gets `newId()`.
 */
export function normalizeEnqueue(
  name: unknown,
  payload: unknown,
  options: EnqueueOptions | undefined,
  handler: HandlerDefaults | undefined,
  fallback: (queue: string) => FallbackPolicy,
  maxPayloadBytes: number,
  newId: () => string,
): QueuedTask {
  const taskName = checkName(name, 'enqueue', 'the task name');
  const where = `enqueue('${taskName}')`;
  // null stands for no options, as undefined does.
  const o: EnqueueOptions = options ?? NO_OPTIONS;
  if (o !== NO_OPTIONS) {
    if (!isOptionsObject(o)) throw new InvalidTaskOptionsError(`${where}: options must be an object, got ${describeValue(o)}`);
    for (const key of Object.keys(o)) {
      if (!Object.hasOwn(ENQUEUE_KEYS, key)) throw new InvalidTaskOptionsError(`${where}: unknown option '${key}' (known: ${Object.keys(ENQUEUE_KEYS).join(', ')})${taskOptionHint(key)}`);
    }
    checkPolicy(o, where);
  }
  const id = o.id === undefined ? undefined : checkName(o.id, where, 'id');
  const queue = o.queue === undefined ? handler?.queue ?? DEFAULTS.queue : checkQueueName(o.queue, where, 'queue');
  const priority = o.priority === undefined ? 0 : checkPriority(o.priority, where);
  if (o.delay !== undefined && o.runAt !== undefined) {
    throw new InvalidTaskOptionsError(`${where}: give delay or runAt, not both`);
  }
  const delayMs = o.delay === undefined ? 0 : Math.ceil(checkRange(o.delay, where, 'delay', 'delay'));
  let runAt: number | null = null;
  if (o.runAt !== undefined) {
    if (!(o.runAt instanceof Date) || Number.isNaN(o.runAt.getTime())) {
      const got = o.runAt instanceof Date ? 'an invalid Date' : typeof o.runAt === 'number' ? `${o.runAt} (a number: use delay, or new Date(ms))` : describeValue(o.runAt);
      throw new InvalidTaskOptionsError(`${where}: runAt must be a valid Date, got ${got}`);
    }
    runAt = checkRange(o.runAt.getTime(), where, 'runAt (as epoch ms)', 'runAt');
  }
  const payloadJson = encodePayload(payload, where, maxPayloadBytes);
  const dependsOn = dependencyIds(o.dependsOn, queue, where);
  if (o.dependencyFailure !== undefined && o.dependencyFailure !== 'dead' && o.dependencyFailure !== 'run') {
    throw new InvalidTaskOptionsError(`${where}: dependencyFailure must be 'dead' or 'run', got ${JSON.stringify(o.dependencyFailure)}`);
  }
  if (id !== undefined && dependsOn.includes(id)) throw new InvalidTaskOptionsError(`${where}: a task cannot depend on itself (${id})`);
  const defaults = fallback(queue);
  return {
    queue,
    task: {
      id: id ?? newId(),
      name: taskName,
      payloadJson,
      priority,
      delayMs,
      runAt,
      maxAttempts: o.attempts ?? handler?.attempts ?? defaults.attempts,
      backoff: o.backoff ? checkBackoff(o.backoff, where) : handler?.backoff ?? defaults.backoff,
      timeoutMs: o.timeout ?? handler?.timeout ?? defaults.timeout,
      dependsOn,
      dependencyFailure: o.dependencyFailure ?? 'dead',
      removeOnComplete:
        o.removeOnComplete === undefined ? handler?.removeOnComplete ?? defaults.removeOnComplete : checkRemoveOption(o.removeOnComplete, where, 'removeOnComplete'),
      removeOnDead: o.removeOnDead === undefined ? handler?.removeOnDead ?? defaults.removeOnDead : checkRemoveOption(o.removeOnDead, where, 'removeOnDead'),
    },
  };
}
