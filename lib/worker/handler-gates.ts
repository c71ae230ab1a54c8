import type { RegisteredHandler } from '../discovery/task-handler.registry.js';

/**
 * Per-handler concurrency within one process: a task whose handler is at its
 * limit waits here, holding its worker slot and its lease, until a run of
 * that handler ends.
 */
export class HandlerGates<T> {
  private readonly active = new Map<string, number>();
  private readonly held = new Map<string, T[]>();

  /** True when a run of this handler may start now (and counts it as started). */
  tryEnter(handler: RegisteredHandler | undefined, item: T): boolean {
    if (!handler || handler.concurrency === null) return true;
    const running = this.active.get(handler.name) ?? 0;
    if (running < handler.concurrency) {
      this.active.set(handler.name, running + 1);
      return true;
    }
    const queue = this.held.get(handler.name) ?? [];
    queue.push(item);
    this.held.set(handler.name, queue);
    return false;
  }

  /** Ends a run; returns the next held item of that handler, which now counts as started. */
  leave(handler: RegisteredHandler | undefined): T | undefined {
    if (!handler || handler.concurrency === null) return undefined;
    const next = this.held.get(handler.name)?.shift();
    if (next === undefined) this.active.set(handler.name, Math.max(0, (this.active.get(handler.name) ?? 0) - 1));
    return next;
  }

  /** Takes every held item out (at shutdown, to hand them back). */
  drainHeld(): T[] {
    const all = [...this.held.values()].flat();
    this.held.clear();
    return all;
  }
}
