import { performance } from 'node:perf_hooks';

/** The clock the in-memory engine judges due times and leases by, in epoch ms. */
export interface MemoryClock {
  now(): number;
}

/**
 * The real time in epoch ms, from node:perf_hooks' own object, its functions
 * taken when this module loads: a test that fakes timers (jest, which fakes
 * them in the test's realm, even before this module loads with
 * `fakeTimers.enableGlobally`; or vitest, in this realm, after it loads)
 * freezes Date.now, and with it the due times of the test mode on real timers,
 * which then never came due.
 */
const { timeOrigin } = performance;
const sinceOrigin = performance.now.bind(performance);
const realNow = () => Math.floor(timeOrigin + sinceOrigin());

/** The process' own clock: the test mode with real timers (and the sample without Redis). */
export class SystemClock implements MemoryClock {
  now(): number {
    return realNow();
  }
}

/**
 * A clock that moves only when told: delays, backoff and leases of the
 * in-memory engine then take no real time, so a test of a task delayed by a
 * minute finishes in milliseconds. It starts at the real time, so timestamps
 * read as dates near now.
 */
export class VirtualClock implements MemoryClock {
  private current = Date.now();

  now(): number {
    return this.current;
  }

  /** Moves the clock forward by `ms` (never back). */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`the virtual clock moves forward only: advance(${ms})`);
    this.current += Math.ceil(ms);
  }
}
