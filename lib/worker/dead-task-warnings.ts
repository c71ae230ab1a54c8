import type { Logger } from '@nestjs/common';
import type { FetchedTask } from '../engine/attempt.js';
import type { TaskErrorInfo } from '../interfaces/task-info.interface.js';
import { namedMessage } from '../execution/named-message.js';
import { PerNameThrottle } from './per-name-throttle.js';

/** Characters of an error message a warning quotes: the record keeps it whole. */
const MESSAGE_SHOWN = 300;

/**
 * Warns when a handler's failure ends its task dead (the last attempt failed,
 * or a failure that skips retries): retries are recorded, not logged, but a
 * task given up on is what an operator must hear of without a listener. Once
 * per task name per minute, counting the others.
 */
export class DeadTaskWarnings {
  private readonly throttle = new PerNameThrottle();

  constructor(private readonly queue: string, private readonly logger: Pick<Logger, 'warn'>) {}

  warn(task: Pick<FetchedTask, 'id' | 'name' | 'attempt' | 'maxAttempts'>, error: TaskErrorInfo, now = Date.now()): void {
    const since = this.throttle.pass(task.name, now);
    if (since === null) return;
    const more = since > 0 ? ` (and ${since} more ${task.name} task(s) since the last warning)` : '';
    const firstLine = error.message.split('\n', 1)[0];
    const message = firstLine.length > MESSAGE_SHOWN ? `${firstLine.slice(0, MESSAGE_SHOWN)}...` : firstLine;
    const thrown = namedMessage({ name: error.name, message });
    this.logger.warn(`queue '${this.queue}': task ${task.id} (${task.name}) is dead after attempt ${task.attempt} of ${task.maxAttempts}: ${thrown}${more}`);
  }
}
