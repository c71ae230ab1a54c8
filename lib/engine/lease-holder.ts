import type { TaskLease } from '../interfaces/task-info.interface.js';

/**
 * The lease of an active task as `get` and `list` show it, from its lease
 * token (`<worker token>:<attempt>:<start>`, the worker token being the
 * instance id its heartbeat advertises) and its expiry; undefined when either
 * is missing (a task not active, or a record written by hand).
 */
export function leaseOf(token: string | null | undefined, expiresAt: number | null | undefined): TaskLease | undefined {
  if (!token || expiresAt === null || expiresAt === undefined || !Number.isFinite(expiresAt)) return undefined;
  const workerId = workerOf(token);
  return workerId === null ? undefined : { workerId, expiresAt };
}

/** The worker token a lease token starts with (all before its last two separators); null when it has none. */
export function workerOf(token: string): string | null {
  const end = token.lastIndexOf(':', token.lastIndexOf(':') - 1);
  return end <= 0 ? null : token.slice(0, end);
}
