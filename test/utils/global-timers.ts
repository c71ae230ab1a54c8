/**
 * A stand-in for lib/timers/own-timers.ts that calls the global timer
 * functions at each call, so jest's fake timers drive the library's timers.
 * For unit specs that step the worker's timers on purpose:
 * `jest.mock('<path>/lib/timers/own-timers.js', () => jest.requireActual('<path>/test/utils/global-timers.js'))`.
 */
export const timers = {
  setTimeout: ((...args: Parameters<typeof setTimeout>) => setTimeout(...args)) as typeof setTimeout,
  clearTimeout: (timer?: Parameters<typeof clearTimeout>[0]) => clearTimeout(timer),
  setInterval: ((...args: Parameters<typeof setInterval>) => setInterval(...args)) as typeof setInterval,
  clearInterval: (timer?: Parameters<typeof clearInterval>[0]) => clearInterval(timer),
  setImmediate: ((...args: Parameters<typeof setImmediate>) => setImmediate(...args)) as typeof setImmediate,
  clearImmediate: (immediate?: Parameters<typeof clearImmediate>[0]) => clearImmediate(immediate),
  monotonicMs: () => performance.now(),
};
