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
} as const;
