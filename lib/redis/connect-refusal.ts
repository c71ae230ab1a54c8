import { InvalidTaskOptionsError } from '../errors/invalid-task-options.error.js';
import { RedisUnavailableError } from '../errors/redis-unavailable.error.js';
import { redactRedisError } from './redact-error.js';

/** Redis refusing the login: a wrong user name or password, or none given where one is needed. */
export const LOGIN_REFUSED = /^(WRONGPASS|NOAUTH)\b/;
const NO_SUCH_DB = /DB index is out of range|invalid DB index/i;

/**
 * The error that should end waiting for a connection at once, or null when
 * waiting (reconnecting) may still help. ioredis retries a refused login until
 * the connect timeout, and it treats a SELECT of a database the server lacks as
 * a warning and goes on in database 0, where the app would read and write
 * another database's keys. `safe` gives an error's message with credentials
 * scrubbed.
 */
export function connectRefusal(error: unknown, target: string, db: number | undefined, safe: (error: unknown) => string): Error | null {
  if (!(error instanceof Error)) return null;
  // A Cluster reports its nodes' failure as "Failed to refresh slots cache.", the node's own error beside it.
  const nodeError = (error as { lastNodeError?: unknown }).lastNodeError;
  if (nodeError instanceof Error && LOGIN_REFUSED.test(nodeError.message)) {
    return connectRefusal(nodeError, target, db, (e) => `${safe(error)}: ${safe(e)}`);
  }
  if (LOGIN_REFUSED.test(error.message)) {
    return new RedisUnavailableError(
      `could not connect to Redis at ${target}: it refused the login (${safe(error)}); check the user name and password of \`connection\` ` +
        '(and, with ACLs, that the user is enabled)',
      { cause: redactRedisError(error) },
    );
  }
  if (NO_SUCH_DB.test(error.message)) {
    return new InvalidTaskOptionsError(
      `TaskModule options: connection: Redis at ${target} has no database ${db ?? '(the one asked for)'} (${safe(error)}); ` +
        "use a database number below the server's `databases` setting (16 by default)",
    );
  }
  return null;
}
