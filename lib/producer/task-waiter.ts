import { TaskFailedError } from '../errors/task-failed.error.js';
import { TaskNotFoundError } from '../errors/task-not-found.error.js';
import { WaitForTimeoutError } from '../errors/wait-for-timeout.error.js';
import { decodeError } from '../redis/task-record.codec.js';
import type { FinalState, TaskEngine } from '../redis/task-engine.js';

interface Waiter {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/**
 * waitFor without polling: one subscription per queue carries the final states
 * of awaited tasks; the task is flagged as awaited and read once, atomically,
 * so a task that finishes in between is never missed.
 */
export class TaskWaiter {
  private readonly waiters = new Map<string, Map<string, Set<Waiter>>>();
  private readonly subscriptions = new Map<string, Promise<() => Promise<void>>>();

  constructor(private readonly engine: TaskEngine) {}

  async wait(queue: string, id: string, timeoutMs: number): Promise<unknown> {
    await this.subscribe(queue);
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        done();
        reject(new WaitForTimeoutError(id, queue, timeoutMs));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.forget(queue, id, waiter);
      };
      const waiter: Waiter = {
        resolve: (value) => {
          done();
          resolve(value);
        },
        reject: (error) => {
          done();
          reject(error);
        },
      };
      this.remember(queue, id, waiter);
      this.check(queue, id, [waiter]);
    });
  }

  /** Drops every subscription (at shutdown). Pending waiters keep their own timeouts. */
  async close(): Promise<void> {
    const subscriptions = [...this.subscriptions.values()];
    this.subscriptions.clear();
    await Promise.all(subscriptions.map(async (s) => (await s.catch(() => async () => undefined))()));
  }

  private subscribe(queue: string): Promise<unknown> {
    let subscription = this.subscriptions.get(queue);
    if (!subscription) {
      subscription = this.engine.onFinal(
        queue,
        (id, state) => this.settleAll(queue, id, state),
        () => this.recheck(queue),
      );
      subscription.catch(() => this.subscriptions.delete(queue));
      this.subscriptions.set(queue, subscription);
    }
    return subscription;
  }

  private check(queue: string, id: string, waiters: Waiter[]): void {
    this.engine.watch(queue, id).then(
      (state) => {
        if (state === undefined) waiters.forEach((w) => w.reject(new TaskNotFoundError(id, queue)));
        else if (state !== null) waiters.forEach((w) => settle(w, queue, id, state));
      },
      (error: unknown) => waiters.forEach((w) => w.reject(error instanceof Error ? error : new Error(String(error)))),
    );
  }

  private recheck(queue: string): void {
    for (const [id, set] of this.waiters.get(queue) ?? []) this.check(queue, id, [...set]);
  }

  private settleAll(queue: string, id: string, state: FinalState): void {
    const set = this.waiters.get(queue)?.get(id);
    if (set) [...set].forEach((w) => settle(w, queue, id, state));
  }

  private remember(queue: string, id: string, waiter: Waiter): void {
    let byId = this.waiters.get(queue);
    if (!byId) this.waiters.set(queue, (byId = new Map()));
    let set = byId.get(id);
    if (!set) byId.set(id, (set = new Set()));
    set.add(waiter);
  }

  private forget(queue: string, id: string, waiter: Waiter): void {
    const byId = this.waiters.get(queue);
    const set = byId?.get(id);
    if (!set) return;
    set.delete(waiter);
    if (set.size === 0) byId!.delete(id);
  }
}

function settle(waiter: Waiter, queue: string, id: string, state: FinalState): void {
  if (state.state === 'completed') {
    waiter.resolve(state.resultJson === '' ? undefined : JSON.parse(state.resultJson));
  } else {
    const error = decodeError(state.errorJson);
    waiter.reject(new TaskFailedError(id, queue, error?.message ?? 'task failed', error?.stack));
  }
}
