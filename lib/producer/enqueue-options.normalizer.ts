import { InvalidTaskOptionsError } from '../errors/invalid-task-options.error.js';
import type { EnqueueOptions } from '../interfaces/enqueue-options.interface.js';
import type { ResolvedPolicy } from '../module/resolved-options.js';
import { checkBackoff, checkInteger, checkName, checkNumber, checkPolicy } from '../policies/option-checks.js';
import type { NewTask } from '../redis/task-engine.js';
import { encodePayload } from './payload-encoder.js';

const KNOWN = new Set(['id', 'delay', 'runAt', 'priority', 'attempts', 'backoff', 'timeout', 'queue']);

/** What the producer knows about a task name from a handler in this app. */
export interface HandlerDefaults extends Partial<ResolvedPolicy> {
  queue?: string;
}

/**
 * Turns enqueue arguments into a storable task, or throws before anything is
 * written. Precedence: enqueue options, then the handler's, then module defaults.
 */
export function normalizeEnqueue(
  name: unknown,
  payload: unknown,
  options: EnqueueOptions | undefined,
  handler: HandlerDefaults | undefined,
  defaults: ResolvedPolicy,
  maxPayloadBytes: number,
): { queue: string; task: NewTask } {
  const taskName = checkName(name, 'enqueue', 'the task name');
  const where = `enqueue('${taskName}')`;
  const o: EnqueueOptions = options ?? {};
  if (typeof o !== 'object' || o === null) throw new InvalidTaskOptionsError(`${where}: options must be an object`);
  for (const key of Object.keys(o)) {
    if (!KNOWN.has(key)) throw new InvalidTaskOptionsError(`${where}: unknown option '${key}'`);
  }
  checkPolicy(o, where);
  const id = o.id === undefined ? undefined : checkName(o.id, where, 'id');
  const queue = o.queue === undefined ? handler?.queue ?? 'default' : checkName(o.queue, where, 'queue');
  const priority = o.priority === undefined ? 0 : checkInteger(o.priority, where, 'priority', -1_000_000, 1_000_000);
  if (o.delay !== undefined && o.runAt !== undefined) {
    throw new InvalidTaskOptionsError(`${where}: give delay or runAt, not both`);
  }
  const delayMs = o.delay === undefined ? 0 : Math.ceil(checkNumber(o.delay, where, 'delay', 0));
  let runAt: number | null = null;
  if (o.runAt !== undefined) {
    if (!(o.runAt instanceof Date) || Number.isNaN(o.runAt.getTime())) {
      throw new InvalidTaskOptionsError(`${where}: runAt must be a valid Date`);
    }
    runAt = o.runAt.getTime();
  }
  const payloadJson = encodePayload(payload, where, maxPayloadBytes);
  return {
    queue,
    task: {
      id,
      name: taskName,
      payloadJson,
      priority,
      delayMs,
      runAt,
      maxAttempts: o.attempts ?? handler?.attempts ?? defaults.attempts,
      backoff: o.backoff ? checkBackoff(o.backoff, where) : handler?.backoff ?? defaults.backoff,
      timeoutMs: o.timeout ?? handler?.timeout ?? defaults.timeout,
    },
  };
}
