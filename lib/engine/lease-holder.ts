import type { TaskLease } from '../interfaces/task-info.interface.js';

/**
 * The lease of an active task as `get` and `list` show it, from its lease
 * token (`<worker token>:<attempt>:<start>`, the worker token being the
 * instance id its heartbeat advertises) and its expiry; undefined when either
 * is missing (a task not active, or a record written by hand).
 */
export function leaseOf(token: string | null | undefined, expiresAt: number | null | undefined): TaskLease | undefined {
  if (!token || expiresAt === null || expiresAt === undefined || !Number.isFinite(expiresAt)) return undefined;
  const end = token.lastIndexOf(':', token.lastIndexOf(':') - 1);
  return end <= 0 ? undefined : { workerId: token.slice(0, end), expiresAt };
}
