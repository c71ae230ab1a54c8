import type { Logger } from '@nestjs/common';
import { PerNameThrottle } from './per-name-throttle.js';

/**
 * Warns when a task ends dead because no live worker of its queue carries its
 * handler (a typo in a task name, a handler removed, a deploy that dropped it,
 * a task put on another queue than its handler's): once per name per minute,
 * counting the others.
 */
export class NoHandlerWarnings {
  private readonly throttle = new PerNameThrottle();

  constructor(private readonly queue: string, private readonly logger: Pick<Logger, 'warn'>) {}

  /** `consumedIn`: the queue this app's handler for the name consumes, when it has one (the task is in the wrong queue). */
  warn(name: string, id: string, consumedIn?: string, now = Date.now()): void {
    const since = this.throttle.pass(name, now);
    if (since === null) return;
    const more = since > 0 ? ` (and ${since} more since the last warning)` : '';
    const why =
      consumedIn === undefined
        ? 'no live worker of the queue advertises a handler for it'
        : `this app's handler for it consumes queue '${consumedIn}': enqueue it there ({ queue: '${consumedIn}' }, or by its definition)`;
    this.logger.warn(`queue '${this.queue}': task ${id} is dead: no handler for ${name}${more}; ${why}`);
  }
}
