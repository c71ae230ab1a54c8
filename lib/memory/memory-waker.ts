import type { QueueWaker } from '../engine/event-reader.js';

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

  /** A waker for one worker. */
  waker(): QueueWaker {
    let closed = false;
    let cancel: (() => void) | null = null;
    return {
      wait: (timeoutMs) => {
        if (closed) return Promise.reject(new Error('queue waker is closed'));
        if (this.marked) {
          this.marked = false;
          return Promise.resolve();
        }
        return new Promise<void>((resolve, reject) => {
          const done = (error?: Error) => {
            clearTimeout(timer);
            const at = this.waiters.indexOf(waiter);
            if (at >= 0) this.waiters.splice(at, 1);
            cancel = null;
            if (error) reject(error);
            else resolve();
          };
          const waiter = () => done();
          const timer = setTimeout(waiter, timeoutMs);
          timer.unref();
          cancel = () => done(new Error('queue waker is closed'));
          this.waiters.push(waiter);
        });
      },
      close: () => {
        closed = true;
        cancel?.();
      },
    };
  }
}
