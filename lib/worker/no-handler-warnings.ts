import type { Logger } from '@nestjs/common';
import { PerNameThrottle } from './per-name-throttle.js';

/**
 * Warns when a task ends dead because no live worker of its queue carries its
 * handler (a typo in a task name, a handler removed, a deploy that dropped it):
 * once per name per minute, counting the others.
 */
export class NoHandlerWarnings {
  private readonly throttle = new PerNameThrottle();

  constructor(private readonly queue: string, private readonly logger: Pick<Logger, 'warn'>) {}

  warn(name: string, id: string, now = Date.now()): void {
    const since = this.throttle.pass(name, now);
    if (since === null) return;
    const more = since > 0 ? ` (and ${since} more since the last warning)` : '';
    this.logger.warn(`queue '${this.queue}': task ${id} is dead: no handler for ${name}${more}; no live worker of the queue advertises a handler for it`);
  }
}
