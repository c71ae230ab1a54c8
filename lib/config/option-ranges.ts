// The range of every numeric option that a timer or a stored time depends on,
// in one place: the module resolver, the handler-options normaliser, the
// enqueue normaliser, waitFor and the schedule checks all read it, and the
// README's option tables quote it.

/** The longest wait a Node.js timer holds (2^31 - 1 ms, about 24.8 days): a longer one fires at once. */
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * The longest delay a task can be given (10 years of 365 days), by `delay`, a
 * backoff or a rate-limited handler. Due times are `now + delay` in epoch ms:
 * this keeps them exact integers far below 2^53, never negative, never Infinity.
 */
export const MAX_DELAY_MS = 315_360_000_000;

/** The latest `runAt` accepted: the last millisecond of the year 9999, an ordinary date everywhere. */
export const MAX_RUN_AT_MS = 253_402_300_799_999;

/** An accepted range of a numeric option: `min` and `max` included. */
export interface OptionRange {
  readonly min: number;
  readonly max: number;
  /** Whole numbers only. */
  readonly integer: boolean;
  /** What 0 says, where it is not a plain amount: messages name it. */
  readonly zeroMeans?: string;
}

/** Every range, by option. */
export const OPTION_RANGES = {
  /** Time limit of one attempt (ms): a Node.js timer; 0 says none, over a default that sets one. */
  timeout: { min: 0, max: MAX_TIMER_MS, integer: false, zeroMeans: 'no limit' },
  /** `waitFor`'s own time limit (ms): a Node.js timer. */
  waitForTimeout: { min: 1, max: MAX_TIMER_MS, integer: true },
  /** A running task's lease (ms): renewed on a timer every third of it. */
  leaseMs: { min: 100, max: MAX_TIMER_MS, integer: true },
  /** How long shutdown lets running tasks finish (ms): a timer. */
  shutdownGraceMs: { min: 0, max: MAX_TIMER_MS, integer: true },
  /** How long bootstrap waits for Redis (ms): a timer. */
  connectTimeoutMs: { min: 1, max: MAX_TIMER_MS, integer: true },
  /** A backoff's first delay (ms), stored as a due time. */
  backoffDelay: { min: 0, max: MAX_DELAY_MS, integer: true },
  /** A backoff's cap (ms); computed delays never exceed MAX_DELAY_MS either. */
  backoffMaxDelay: { min: 0, max: MAX_DELAY_MS, integer: true },
  /** Enqueue `delay` (ms), stored as a due time; fractions round up. */
  delay: { min: 0, max: MAX_DELAY_MS, integer: false },
  /** Enqueue `runAt`, as epoch ms: from 1970 to the end of 9999. */
  runAt: { min: 0, max: MAX_RUN_AT_MS, integer: true },
  /** A schedule's interval (ms): below 100 the fleet would spend its time firing. */
  every: { min: 100, max: MAX_DELAY_MS, integer: true },
  /** How long an enqueue waits for replicas (`durability.timeoutMs`): Redis WAIT's timeout. */
  replicaWaitMs: { min: 1, max: MAX_TIMER_MS, integer: true },
  /** A queue's rate-limit window (ms): a key's expiry and a worker's timer. */
  rateLimitPerMs: { min: 1, max: MAX_TIMER_MS, integer: true },
} as const satisfies Record<string, OptionRange>;

/** Option names that have a range. */
export type RangedOption = keyof typeof OPTION_RANGES;

/** The range as words, for messages and docs: "an integer from 1 to 2147483647". */
export function describeRange(range: OptionRange): string {
  return `${range.integer ? 'an integer' : 'a number'} from ${range.min} to ${range.max}`;
}
