import { RedisUnavailableError } from '../errors/redis-unavailable.error.js';
import { TaskStoreError } from '../errors/task-store.error.js';
import { redactRedisError } from './redact-error.js';

/** What the classifier needs of the connections: where Redis is, and the secrets to scrub. */
export interface ErrorContext {
  readonly target: string;
  safeMessage(error: unknown): string;
}

/** A Redis reply error: Redis answered, and said no. Anything else is the connection failing. */
function replyMessage(error: unknown): string | null {
  if (!(error instanceof Error)) return null;
  if (error.name === 'ReplyError' || /^(OOM|NOPERM|MOVED|ASK|CROSSSLOT|CLUSTERDOWN|TRYAGAIN|READONLY|NOSCRIPT|ERR|WRONGTYPE|BUSY|NOAUTH|WRONGPASS|EXECABORT|MASTERDOWN)\b/.test(error.message)) {
    return error.message;
  }
  return null;
}

/** The command a NOPERM names ("... to run the 'xadd' command"), or the one that was sent. */
function commandOf(error: unknown, message: string): string {
  const named = /'([a-z|]+)' command/i.exec(message)?.[1];
  if (named) return named.toUpperCase();
  const sent = (error as { command?: { name?: unknown } }).command?.name;
  return typeof sent === 'string' ? sent.toUpperCase() : 'a command';
}

/**
 * Wraps an error of a store call in the library's own classes, with a message
 * saying what failed and what to do: TaskStoreError when Redis answered with
 * an error, RedisUnavailableError when it could not be reached. Credentials are
 * removed from both the message and the cause.
 */
export function toStoreError(operation: string, error: unknown, context: ErrorContext): Error {
  if (error instanceof TaskStoreError) return error;
  const cause = redactRedisError(error);
  const reply = replyMessage(error);
  if (reply === null) {
    return new RedisUnavailableError(`${operation} failed: Redis at ${context.target} is unreachable (${context.safeMessage(error)})`, { cause });
  }
  const said = reply.split('\n')[0].slice(0, 300);
  const safe = context.safeMessage(said);
  if (/^OOM\b/.test(reply)) {
    return new TaskStoreError(
      `${operation} failed: Redis at ${context.target} is out of memory (used memory is over maxmemory); nothing was written. ` +
        `Free memory or raise maxmemory (Redis said: ${safe})`,
      'out-of-memory',
      { cause },
    );
  }
  if (/^NOPERM\b/.test(reply)) {
    return new TaskStoreError(
      `${operation} failed: permission denied: the Redis user may not run ${commandOf(error, reply)} or touch these keys; ` +
        `see the README's access-control list (Redis said: ${safe})`,
      'permission-denied',
      { cause },
    );
  }
  if (/^(MOVED|ASK|CROSSSLOT)\b/.test(reply)) {
    return new TaskStoreError(
      `${operation} failed: wrong node: ${context.target} does not serve this queue's keys (Redis said: ${safe}); ` +
        "connect to a Redis Cluster with the cluster shape { cluster: ['redis://host:port', ...] }",
      'wrong-node',
      { cause },
    );
  }
  return new TaskStoreError(`${operation} failed: Redis at ${context.target} refused it (Redis said: ${safe})`, 'refused', { cause });
}

/** Runs a store call; any error comes out as toStoreError makes it. */
export async function guarded<T>(operation: string, context: ErrorContext, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toStoreError(operation, error, context);
  }
}
