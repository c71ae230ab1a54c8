import { performance } from 'node:perf_hooks';
import * as nodeTimers from 'node:timers';

/**
 * The library's timers, taken from node:timers when this module loads. A test
 * that fakes timers (jest.useFakeTimers, vi.useFakeTimers) replaces the global
 * functions, and under vitest the properties of node:timers too, but not these
 * references: the worker's lease renewals and the test mode's turns go on in
 * real time while the test's own code sees fake ones (the test mode has its own
 * clock: TaskTester.advanceTime).
 */
export const timers = {
  setTimeout: nodeTimers.setTimeout,
  clearTimeout: nodeTimers.clearTimeout,
  setInterval: nodeTimers.setInterval,
  clearInterval: nodeTimers.clearInterval,
  setImmediate: nodeTimers.setImmediate,
  clearImmediate: nodeTimers.clearImmediate,
  /**
   * Milliseconds on a monotonic clock, for measuring how long something took
   * or waits here: the wall clock steps (NTP, a VM resumed), and a worker that
   * measured with it armed its due-time timer an hour late after a step
   * forward, or stretched its shutdown grace after one back. Never compared
   * with a time from Redis or another process. From node:perf_hooks, bound
   * now: fake timers replace the global `performance`, even when installed
   * before this module loads.
   */
  monotonicMs: performance.now.bind(performance),
} as const;

/**
 * What `promise` resolves to, or `fallback` once `ms` pass first. The timer
 * is cleared either way, so a bounded wait holds no process open.
 */
export async function within<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<T>((resolve) => (timer = timers.setTimeout(() => resolve(fallback), ms)))]);
  } finally {
    timers.clearTimeout(timer);
  }
}
