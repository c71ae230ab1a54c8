import { performance } from 'node:perf_hooks';
import { makePayload, type BenchPayload, type BenchSession } from '../adapters/library-adapter.js';

/** Shared pieces of the scenarios: clocks, concurrency, counting task starts. */

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Epoch milliseconds with sub-millisecond precision (comparable within one process). */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

/** Runs `call(i)` for i in [0, total) with `inFlight` calls outstanding at any time. */
export async function runInFlight(inFlight: number, total: number, call: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < total) await call(next++);
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, total) }, lane));
}

/** Enqueues `total` tasks with the bulk call, 1,000 per batch, a few batches at once (preparation, not measured). */
export async function prefill(session: BenchSession, total: number, from = 0): Promise<void> {
  const batch = 1_000;
  await runInFlight(4, Math.ceil(total / batch), (b) => {
    const size = Math.min(batch, total - b * batch);
    return session.enqueueBatch(Array.from({ length: size }, (_, k) => makePayload(from + b * batch + k)));
  });
}

/** Counts handler starts; resolves when `target` tasks have started, with the first and last start times. */
export class StartCounter {
  count = 0;
  first = 0;
  last = 0;
  private resolve: (() => void) | null = null;
  private readonly reached: Promise<void>;

  constructor(private readonly target: number, private readonly onStart?: (payload: BenchPayload, at: number) => void) {
    this.reached = new Promise((resolve) => (this.resolve = resolve));
  }

  readonly onTask = (payload: BenchPayload): void => {
    const at = epochNow();
    this.onStart?.(payload, at);
    if (this.count === 0) this.first = at;
    this.count++;
    this.last = at;
    if (this.count === this.target) this.resolve?.();
  };

  /** Resolves when the target is reached; rejects after `timeoutMs` naming how far it got. */
  async done(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`only ${this.count} of ${this.target} tasks started within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.reached, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Tasks per second between the first and the last start. */
  rate(): number {
    return ((this.count - 1) * 1000) / (this.last - this.first);
  }
}
