import { checkInteger, checkKnownKeys, checkName, checkQueueName, describeValue, isOptionsObject, type OptionKeys } from '../config/option-checks.js';
import { InvalidTaskOptionsError } from '../errors/invalid-task-options.error.js';
import type { CleanOptions, DrainOptions, ObliterateOptions, RetryAllOptions } from '../interfaces/bulk-options.interface.js';
import { stateHint } from '../config/renamed-options.js';

// The arguments of TaskQueue's bulk operations, checked before anything is
// changed: an unknown option or a wrong value is refused, never defaulted.

const RETRY_ALL_KEYS = { state: true, name: true } as const satisfies OptionKeys<RetryAllOptions>;
const DRAIN_KEYS = { delayed: true } as const satisfies OptionKeys<DrainOptions>;
const CLEAN_KEYS = { olderThanMs: true, limit: true } as const satisfies OptionKeys<CleanOptions>;
const OBLITERATE_KEYS = { force: true } as const satisfies OptionKeys<ObliterateOptions>;

function optionsObject<T extends object>(value: T | undefined, where: string, shape: string, required = false): Partial<T> {
  if (value === undefined && !required) return {};
  if (!isOptionsObject(value)) throw new InvalidTaskOptionsError(`${where}: options must be an object ${shape}, got ${describeValue(value)}`);
  return value;
}

function checkBoolean(value: unknown, where: string, field: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new InvalidTaskOptionsError(`${where}: ${field} must be true or false, got ${JSON.stringify(value)}`);
  return value;
}

/** retryAll(queue, { state: 'dead', name? }): the queue and the name filter (null: every name). */
export function checkRetryAll(queue: unknown, options: RetryAllOptions): { queue: string; name: string | null } {
  const where = 'retryAll';
  const q = checkQueueName(queue, where, 'queue');
  const o = optionsObject(options, where, "{ state: 'dead', name? }", true);
  checkKnownKeys(o, RETRY_ALL_KEYS, where, '');
  if (o.state !== 'dead') throw new InvalidTaskOptionsError(`${where}: state must be 'dead' (only dead tasks can be retried), got ${JSON.stringify(o.state)}`);
  return { queue: q, name: o.name === undefined ? null : checkName(o.name, where, 'name') };
}

/** The queue and the one boolean option of drain or obliterate. */
function checkFlag<K extends string>(queue: unknown, options: Partial<Record<K, boolean>> | undefined, where: string, keys: Readonly<Record<K, true>>): [string, boolean] {
  const q = checkQueueName(queue, where, 'queue');
  const [flag] = Object.keys(keys) as K[];
  const o = optionsObject(options, where, `{ ${flag}? }`);
  checkKnownKeys(o, keys, where, '');
  return [q, checkBoolean(o[flag], where, flag)];
}

/** drain(queue, { delayed? }). */
export function checkDrain(queue: unknown, options: DrainOptions | undefined): { queue: string; delayed: boolean } {
  const [q, delayed] = checkFlag(queue, options, 'drain', DRAIN_KEYS);
  return { queue: q, delayed };
}

/** clean(queue, state, { olderThanMs?, limit? }). */
export function checkClean(
  queue: unknown,
  state: unknown,
  options: CleanOptions | undefined,
): { queue: string; state: 'completed' | 'dead'; olderThanMs: number; limit: number | null } {
  const where = 'clean';
  const q = checkQueueName(queue, where, 'queue');
  if (state !== 'completed' && state !== 'dead') {
    throw new InvalidTaskOptionsError(`${where}: state must be 'completed' or 'dead' (only finished tasks can be cleaned), got ${JSON.stringify(state)}${stateHint(state)}`);
  }
  const o = optionsObject(options, where, '{ olderThanMs?, limit? }');
  checkKnownKeys(o, CLEAN_KEYS, where, '');
  return {
    queue: q,
    state,
    olderThanMs: o.olderThanMs === undefined ? 0 : checkInteger(o.olderThanMs, where, 'olderThanMs', 0),
    limit: o.limit === undefined ? null : checkInteger(o.limit, where, 'limit', 1),
  };
}

/** obliterate(queue, { force? }). */
export function checkObliterate(queue: unknown, options: ObliterateOptions | undefined): { queue: string; force: boolean } {
  const [q, force] = checkFlag(queue, options, 'obliterate', OBLITERATE_KEYS);
  return { queue: q, force };
}
