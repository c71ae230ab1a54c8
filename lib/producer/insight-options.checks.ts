import { DEFAULTS } from '../config/defaults.js';
import { checkInteger, checkKnownKeys, checkName, checkQueueName, describeValue, isOptionsObject, type OptionKeys } from '../config/option-checks.js';
import { InvalidTaskOptionsError } from '../errors/invalid-task-options.error.js';
import type { ListOptions, ThroughputOptions } from '../interfaces/task-insight-options.interface.js';
import { TASK_STATES, type TaskState } from '../interfaces/task-state.js';
import { stateHint } from '../config/renamed-options.js';

// The arguments of TaskQueue's read calls that page or chart (list,
// throughput), checked before any store call: unknown options are refused.

const LIST_KEYS = { queue: true, offset: true, limit: true, name: true, values: true } as const satisfies OptionKeys<ListOptions>;
const THROUGHPUT_KEYS = { minutes: true } as const satisfies OptionKeys<ThroughputOptions>;

/** Most minutes `throughput` returns: its counters expire after two hours. */
export const MAX_THROUGHPUT_MINUTES = 120;

function optionsObject<T extends object>(value: T | undefined, where: string): Partial<T> {
  if (value === undefined) return {};
  if (!isOptionsObject(value)) throw new InvalidTaskOptionsError(`${where}: options must be an object, got ${describeValue(value)}`);
  return value;
}

/** list(state, { queue?, offset?, limit?, name?, values? }), checked. */
export function checkList(state: unknown, options: ListOptions | undefined) {
  const where = 'list';
  if (!TASK_STATES.includes(state as TaskState)) throw new InvalidTaskOptionsError(`${where}: state must be one of ${TASK_STATES.join(', ')}, got ${JSON.stringify(state)}${stateHint(state)}`);
  const o = optionsObject(options, where);
  checkKnownKeys(o, LIST_KEYS, where, '');
  return {
    state: state as TaskState,
    queue: checkQueueName(o.queue ?? DEFAULTS.queue, where, 'queue'),
    offset: o.offset === undefined ? 0 : checkInteger(o.offset, where, 'offset', 0),
    limit: o.limit === undefined ? 100 : checkInteger(o.limit, where, 'limit', 1, 1_000),
    name: o.name === undefined ? null : checkName(o.name, where, 'name'),
    values: o.values === undefined ? true : checkBoolean(o.values, where, 'values'),
  };
}

function checkBoolean(value: unknown, where: string, field: string): boolean {
  if (typeof value !== 'boolean') throw new InvalidTaskOptionsError(`${where}: ${field} must be true or false, got ${describeValue(value)}`);
  return value;
}

/** throughput(queue, { minutes? }), checked: whole minutes, 1 to 120 (default 60). */
export function checkThroughput(queue: unknown, options: ThroughputOptions | undefined): { queue: string; minutes: number } {
  const where = 'throughput';
  const o = optionsObject(options, where);
  checkKnownKeys(o, THROUGHPUT_KEYS, where, '');
  return {
    queue: checkQueueName(queue, where, 'queue'),
    minutes: o.minutes === undefined ? 60 : checkInteger(o.minutes, where, 'minutes', 1, MAX_THROUGHPUT_MINUTES),
  };
}
