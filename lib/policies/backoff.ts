import type { BackoffOptions } from '../interfaces/backoff-options.interface.js';

/**
 * The delay before the attempt after `attempt` (1-based) failed:
 * fixed waits `delay`; exponential waits `delay * 2^(attempt-1)`; both capped by `maxDelay`.
 */
export function backoffDelay(backoff: BackoffOptions | null, attempt: number): number {
  if (!backoff) return 0;
  const raw = backoff.type === 'fixed' ? backoff.delay : backoff.delay * 2 ** (attempt - 1);
  const capped = backoff.maxDelay !== undefined ? Math.min(raw, backoff.maxDelay) : raw;
  return Math.min(Math.round(capped), Number.MAX_SAFE_INTEGER);
}

/** Compact form stored in the task record: '' | 'f,<delay>' | 'e,<delay>[,<max>]'. */
export function encodeBackoff(backoff: BackoffOptions | null): string {
  if (!backoff) return '';
  const head = `${backoff.type === 'fixed' ? 'f' : 'e'},${backoff.delay}`;
  return backoff.maxDelay !== undefined ? `${head},${backoff.maxDelay}` : head;
}

/** Inverse of encodeBackoff; anything unreadable means "no backoff". */
export function decodeBackoff(text: string): BackoffOptions | null {
  const [kind, delay, max] = text.split(',');
  const readable = (part: string | undefined) => part !== undefined && part !== '' && Number.isFinite(Number(part));
  if ((kind !== 'f' && kind !== 'e') || !readable(delay)) return null;
  return {
    type: kind === 'f' ? 'fixed' : 'exponential',
    delay: Number(delay),
    ...(readable(max) && { maxDelay: Number(max) }),
  };
}
