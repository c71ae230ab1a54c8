import type { Logger } from '@nestjs/common';

/** At most one warning per task name in this window. */
const WINDOW_MS = 60_000;

/**
 * Warns when a task ends dead because no live worker of its queue carries its
 * handler (a typo in a task name, a handler removed, a deploy that dropped it):
 * once per name per minute, counting the others, so a flood of such tasks
 * cannot flood the log.
 */
export class NoHandlerWarnings {
  private readonly last = new Map<string, { at: number; since: number }>();

  constructor(private readonly queue: string, private readonly logger: Pick<Logger, 'warn'>) {}

  /** `consumedIn`: the queue this app's handler for the name consumes, when it has one (the task is in the wrong queue). */
  warn(name: string, id: string, consumedIn?: string, now = Date.now()): void {
    const seen = this.last.get(name);
    if (seen && now - seen.at < WINDOW_MS) {
      seen.since += 1;
      return;
    }
    const more = seen && seen.since > 0 ? ` (and ${seen.since} more since the last warning)` : '';
    this.last.set(name, { at: now, since: 0 });
    const why =
      consumedIn === undefined
        ? 'no live worker of the queue advertises a handler for it'
        : `this app's handler for it consumes queue '${consumedIn}': enqueue it there ({ queue: '${consumedIn}' }, or by its definition)`;
    this.logger.warn(`queue '${this.queue}': task ${id} is dead: no handler for ${name}${more}; ${why}`);
  }
}
