import type { Logger } from '@nestjs/common';
import type { RegisteredHandler } from '../discovery/task-handler.registry.js';
import { PerNameThrottle } from './per-name-throttle.js';

/**
 * Warns when this app's handler runs a task waiting in another queue than the
 * one it consumes: enqueued by name from an app without the handler (which
 * sends it to 'default'), or left in the queue the handler consumed before a
 * deploy moved it. The task runs, as such a backlog must drain, but outside its
 * own queue's concurrency, rate limit and policy, which must not go unsaid.
 * Once per name per minute, counting the others.
 */
export class MisplacedTaskWarnings {
  private readonly throttle = new PerNameThrottle();

  constructor(private readonly queue: string, private readonly logger: Pick<Logger, 'warn'>) {}

  warn(id: string, handler: Pick<RegisteredHandler, 'name' | 'queue' | 'source'>, now = Date.now()): void {
    const since = this.throttle.pass(handler.name, now);
    if (since === null) return;
    const more = since > 0 ? ` (and ${since} more since the last warning)` : '';
    this.logger.warn(
      `queue '${this.queue}': task ${id} (${handler.name}) ran here${more}, though this app's handler for it (${handler.source}) consumes queue ` +
        `'${handler.queue}': outside that queue's concurrency, rate limit and policy; enqueue it there ({ queue: '${handler.queue}' }, or by its definition)`,
    );
  }
}
