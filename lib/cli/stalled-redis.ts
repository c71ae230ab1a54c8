import { redisOf, type SessionSettings } from './cli-connection.js';
import { CommandFailure } from './cli-errors.js';

/** ioredis' message for a call that got no reply within its `commandTimeout`. */
const TIMED_OUT = 'Command timed out';

/** Whether the error, or one it was caused by (the library wraps Redis errors), is a call left unanswered past `--timeout`. */
function unanswered(error: unknown): boolean {
  let current = error;
  for (let depth = 0; depth < 8 && current instanceof Error; depth++, current = current.cause) {
    if (current.message === TIMED_OUT) return true;
  }
  return false;
}

/**
 * The tool's own failure for a Redis that stopped answering, or null for any
 * other error. A change already sent may still be made: Redis runs what it
 * has read once it goes on, so an operator must look before repeating it.
 */
export function stallFailure(error: unknown, settings: SessionSettings, changes: boolean): CommandFailure | null {
  if (!unanswered(error)) return null;
  const sent = changes ? '; a change already sent may still be made once it answers: check before running the command again' : '';
  return new CommandFailure(
    `${redisOf(settings)} did not answer within ${settings.timeoutMs} ms (is it stalled or overloaded?)${sent}; --timeout <ms> sets how long to wait for each Redis call`,
  );
}
