import type { BackoffOptions } from '../interfaces/backoff-options.interface.js';
import type { RetentionOverride } from '../interfaces/retention-option.js';
import { REMOVE_AT_ONCE } from './protocol.js';

// The compact forms some values take in a task record or a schedule
// definition (see RECORD_FIELDS in protocol.ts), and back.

/** '' (none) | 'f,<delay>' | 'e,<delay>[,<max>]'. */
export function encodeBackoff(backoff: BackoffOptions | null): string {
  if (!backoff) return '';
  const head = `${backoff.type === 'fixed' ? 'f' : 'e'},${backoff.delay}`;
  return backoff.maxDelay !== undefined ? `${head},${backoff.maxDelay}` : head;
}

/** Inverse of encodeBackoff; anything unreadable means "no backoff". */
export function decodeBackoff(text: string | undefined): BackoffOptions | null {
  const [kind, delay, max] = (text ?? '').split(',');
  const readable = (part: string | undefined) => part !== undefined && part !== '' && Number.isFinite(Number(part));
  if ((kind !== 'f' && kind !== 'e') || !readable(delay)) return null;
  return {
    type: kind === 'f' ? 'fixed' : 'exponential',
    delay: Number(delay),
    ...(readable(max) && { maxDelay: Number(max) }),
  };
}

/** '' (the module's) | REMOVE_AT_ONCE | '<age>,<count>' with -1 for a limit left to the module. */
export function encodeRetention(retention: RetentionOverride | null): string {
  if (retention === null) return '';
  if (retention === 'remove') return REMOVE_AT_ONCE;
  return `${retention.age ?? -1},${retention.count ?? -1}`;
}

/** Inverse of encodeRetention; anything unreadable means "the module's". */
export function decodeRetention(text: string | undefined): RetentionOverride | null {
  if (text === REMOVE_AT_ONCE) return 'remove';
  const match = /^(-?\d+),(-?\d+)$/.exec(text ?? '');
  if (!match) return null;
  const limit = (part: string) => (Number(part) >= 0 ? Number(part) : null);
  return { age: limit(match[1]), count: limit(match[2]) };
}
