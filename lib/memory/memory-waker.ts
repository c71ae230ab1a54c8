import type { FetchReply, FetchRequest } from '../engine/attempt.js';
import type { QueueWaker } from '../engine/event-reader.js';
import { timers } from '../timers/own-timers.js';

/**
 * The in-memory twin of the Redis marker key idle workers block on: one
 * pending wake-up, taken by one waiter; a wake-up with no one waiting is kept
 * for the next.
 */
export class MemoryWakeups {
  private marked = false;
  private readonly waiters: Array<() => void> = [];

  /** Wakes one waiter, or marks the queue for the next. */
  wake(): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter();
    else this.marked = true;
  }

  /** A waker for one worker; `fetch` is the engine's fetch, run once its wait ends. */
  waker(fetch: (request: FetchRequest) => Promise<FetchReply>): QueueWaker {
    let closed = false;
    let poked = false;
    let end: ((error?: Error) => void) | null = null;
    let inFlight: Promise<unknown> | null = null;
    const wait = (timeoutMs: number) => {
      // Like BZPOPMIN over [the queue's marker, this waker's own]: one wake-up taken, the queue's first.
      if (this.marked || poked) {
        if (this.marked) this.marked = false;
        else poked = false;
        return Promise.resolve();
      }
      return new Promise<void>((resolve, reject) => {
        const done = (error?: Error) => {
          timers.clearTimeout(timer);
          const at = this.waiters.indexOf(waiter);
          if (at >= 0) this.waiters.splice(at, 1);
          end = null;
          if (error) reject(error);
          else resolve();
        };
        const waiter = () => done();
        const timer = timers.setTimeout(waiter, timeoutMs);
        timer.unref();
        end = done;
        this.waiters.push(waiter);
      });
    };
    return {
      fetchAfterNews: (request, timeoutMs) => {
        if (closed) return Promise.reject(new Error('queue waker is closed'));
        const fetched = wait(timeoutMs).then(() => fetch(request));
        inFlight = fetched.catch(() => undefined);
        return fetched;
      },
      poke: () => {
        if (end) end();
        else poked = true;
      },
      // As in Redis: a wait in progress ends and its fetch still runs, so tasks it takes reach the worker.
      close: async () => {
        closed = true;
        end?.();
        await inFlight;
      },
    };
  }
}
