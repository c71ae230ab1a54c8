import { checkKnownKeys, checkQueueName, describeValue, isOptionsObject } from '../config/option-checks.js';
import { MAX_DELAY_MS } from '../config/option-ranges.js';
import { InvalidTaskOptionsError } from '../errors/invalid-task-options.error.js';

// TaskTester's arguments, checked as the module's options are: an unknown key
// or a value of the wrong kind is refused, never read as a default.

/** A time the virtual clock may move by: a number of ms from 0 to MAX_DELAY_MS (10 years), as a task's delay. */
const isClockStep = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= MAX_DELAY_MS;

/** drain's options: the time budget in ms (Infinity for `true`, 0 for `false`) and the attempt limit. */
export function checkDrainOptions(options: unknown): { budgetMs: number; maxAttempts: number } {
  if (options === undefined) return { budgetMs: Number.POSITIVE_INFINITY, maxAttempts: 10_000 };
  if (!isOptionsObject(options)) throw new InvalidTaskOptionsError(`drain: options must be an object { advanceTime?, maxAttempts? }, got ${describeValue(options)}`);
  checkKnownKeys(options, ['advanceTime', 'maxAttempts'], 'drain', '');
  const { advanceTime, maxAttempts } = options;
  let budgetMs: number;
  if (advanceTime === undefined || advanceTime === true) budgetMs = Number.POSITIVE_INFINITY;
  else if (advanceTime === false) budgetMs = 0;
  else if (isClockStep(advanceTime)) budgetMs = advanceTime;
  else throw new InvalidTaskOptionsError(`drain: advanceTime must be true, false or a number of ms from 0 to ${MAX_DELAY_MS}, got ${describeValue(advanceTime)}`);
  if (maxAttempts !== undefined && (typeof maxAttempts !== 'number' || !Number.isInteger(maxAttempts) || maxAttempts < 1)) {
    throw new InvalidTaskOptionsError(`drain: maxAttempts must be an integer >= 1, got ${describeValue(maxAttempts)}`);
  }
  return { budgetMs, maxAttempts: (maxAttempts as number | undefined) ?? 10_000 };
}

/** runNext's options, checked. */
export function checkRunNextOptions(options: unknown): { queue: string | undefined; advanceTime: boolean } {
  if (options === undefined) return { queue: undefined, advanceTime: true };
  if (!isOptionsObject(options)) throw new InvalidTaskOptionsError(`runNext: options must be an object { queue?, advanceTime? }, got ${describeValue(options)}`);
  checkKnownKeys(options, ['queue', 'advanceTime'], 'runNext', '');
  const { queue, advanceTime } = options;
  if (advanceTime !== undefined && typeof advanceTime !== 'boolean') {
    throw new InvalidTaskOptionsError(`runNext: advanceTime must be true or false, got ${describeValue(advanceTime)}`);
  }
  return { queue: queue === undefined ? undefined : checkQueueName(queue, 'runNext', 'queue'), advanceTime: advanceTime !== false };
}

/** advanceTime's argument: a number of ms from 0 to MAX_DELAY_MS. */
export function checkAdvanceMs(ms: unknown): number {
  if (!isClockStep(ms)) throw new InvalidTaskOptionsError(`advanceTime: ms must be a number of ms from 0 to ${MAX_DELAY_MS}, got ${describeValue(ms)}`);
  return ms;
}

/** enqueued's argument: nothing, a task name or a definition. */
export function checkEnqueuedFilter(task: unknown): void {
  if (task === undefined || typeof task === 'string') return;
  if (typeof task === 'object' && task !== null && typeof (task as { name?: unknown }).name === 'string') return;
  throw new InvalidTaskOptionsError(`enqueued: give a task name or a definition (or nothing for every task), got ${describeValue(task)}`);
}
