import type { TaskRef } from '../interfaces/task-ref.interface.js';
import { RedisUnavailableError } from '../errors/redis-unavailable.error.js';
import { TaskStoreError } from '../errors/task-store.error.js';
import { LOGIN_REFUSED, isRetriesExhausted, redisNamed } from './connect-refusal.js';
import { CommandTooLargeError } from './flat-command.js';
import { redactRedisError } from './redact-error.js';
import type { RedisClient } from './redis-client.js';

/** What the classifier needs of the connections: where Redis is, and the secrets to scrub. */
export interface ErrorContext {
  readonly target: string;
  /** The module's key prefix, for a permission refusal: the ACL must allow its keys. */
  readonly prefix?: string;
  /** True once the app closed its connections (app.close()): a call then fails for that, not for Redis. */
  readonly closed?: boolean;
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

/**
 * An ACL refusal: NOPERM, or what a script's refused command or key says,
 * in Redis 7.0's words ("can't run this command", "can't access at least one
 * of the keys") or 7.2's ("ACL failure in script: ... has no permissions to
 * run ...", "... No permissions to access a key").
 */
const PERMISSION_DENIED = /^NOPERM\b|can't run this command|can't access at least one of the keys|has no permissions|ACL failure in script|No permissions to access/;
/** Scripts are sent as EVALSHA / EVAL: the command that was refused is inside them. */
const SCRIPT_COMMANDS = new Set(['evalsha', 'eval', 'evalsha_ro', 'eval_ro']);

/** The command an ACL refusal names ("... to run the 'xadd' command"), the one sent, or, inside a script, words saying so. */
function commandOf(error: unknown, message: string): string {
  const named = /'([a-z|]+)' command/i.exec(message)?.[1];
  if (named) return named.toUpperCase();
  const sent = (error as { command?: { name?: unknown } }).command?.name;
  if (typeof sent === 'string' && !SCRIPT_COMMANDS.has(sent.toLowerCase())) return sent.toUpperCase();
  return 'one of the commands its Lua script calls (Redis before 7.2 does not say which)';
}

/**
 * What a store call does, for what its failure can say about it: a read left
 * nothing to look for; a write sent but not answered may still be carried
 * out; an add may still be stored, and is sent again by the same ids. A
 * worker's own bookkeeping (fetch, settle, leases, heartbeats) is repeated or
 * reconciled by the worker itself: its log lines have nothing to advise.
 */
export type CallEffect = 'reads' | 'writes' | 'adds' | 'worker';

/** What a call sent but not answered may have done, by its effect (after "; "). */
const MAYBE_DONE: Record<CallEffect, string> = {
  reads: '',
  worker: '',
  writes: 'the call was sent, so Redis may still carry it out: read the state before doing it again',
  adds:
    'the call was sent, so its tasks may still be stored: send them again with the same ids rather than new ones ' +
    "(a task still stored is not added again; the error's tasks lists the ids)",
};

/** The MAYBE_DONE of a call that may not have gone out at all: "; if it was sent before <when>, ...". */
function ifSent(maybe: string, when: string): string {
  return maybe === '' ? '' : `; if it was sent before ${when}, ${maybe.replace(/^the call was sent, so /, '')}`;
}

/**
 * Wraps an error of a store call in the library's own classes, with a message
 * saying what failed and what to do: TaskStoreError when Redis answered with
 * an error, RedisUnavailableError when it could not be reached. Credentials are
 * removed from both the message and the cause.
 */
export function toStoreError(operation: string, error: unknown, context: ErrorContext, effect: CallEffect = 'writes', calls = 1): Error {
  if (error instanceof TaskStoreError) return error;
  const split = effect === 'adds' && calls > 1;
  // A split batch's note below says what may be stored and what to do, once.
  const failed = classify(operation, error, context, split ? 'reads' : effect, calls);
  if (!split) return failed;
  // Each script call is all or nothing; a batch sent as several can be part stored whatever failed.
  const note =
    `; this batch went to Redis as ${calls} enqueue calls (one per queue and per 1,000 tasks or 64 MiB of payloads), each all or nothing, so ` +
    "some of its tasks may be stored: send the batch again with the same ids (a task still stored is not added again; the error's tasks lists the ids)";
  return failed instanceof RedisUnavailableError
    ? new RedisUnavailableError(failed.message + note, { cause: failed.cause })
    : new TaskStoreError(failed.message + note, (failed as TaskStoreError).failure, { cause: failed.cause });
}

/** What a caller can do about a call the app's close cut off; the worker's own calls end with its shutdown, nothing to advise. */
function afterCloseAdvice(effect: CallEffect): string {
  return effect === 'worker' ? '' : "; call it while the app runs, and await it (or what it waits on: a schema's validation) before closing";
}

/** A call made after the app closed its connections: refused before it is sent. */
function closedBeforeCall(operation: string, effect: CallEffect): RedisUnavailableError {
  return new RedisUnavailableError(
    `${operation} failed: this app had closed its Redis connections (app.close() was called) before the call, so nothing was sent${afterCloseAdvice(effect)}`,
  );
}

function classify(operation: string, error: unknown, context: ErrorContext, effect: CallEffect, calls: number): Error {
  const cause = redactRedisError(error);
  const reply = replyMessage(error);
  const maybe = MAYBE_DONE[effect];
  // A refused login (the password changed under the app) is Redis being unreachable for this app, not a refusal of the call.
  if (reply === null && context.closed) {
    // It may have gone out before the close (Redis stalled meanwhile) or not at all.
    // The worker's own calls are cut off by its own shutdown: nothing for anyone to call differently.
    return new RedisUnavailableError(
      `${operation} failed: this app closed its Redis connections (app.close() was called) before Redis answered${ifSent(maybe, 'that')}${afterCloseAdvice(effect)}`,
      { cause },
    );
  }
  if (error instanceof CommandTooLargeError) {
    // Made before anything went out: nothing was sent, whatever the call was.
    return new TaskStoreError(
      `${operation} failed: nothing was sent: ${error.message}. Send fewer or smaller values in one call ` +
        '(large files belong in object storage, with their address in the payload)',
      'refused',
      { cause },
    );
  }
  if (reply === null && error instanceof Error && /^Too many Cluster redirections/.test(error.message)) {
    // The cluster answered, but the call found no node to run it: one is down or failing over, or the slot is half-moved (the client retries).
    return new RedisUnavailableError(
      `${operation} failed: ${context.target} could not route the call to a node serving its keys (a node down or failing over, or its slot being moved: ${context.safeMessage(error)})`,
      { cause },
    );
  }
  if (LOGIN_REFUSED.test(reply ?? (error instanceof Error ? error.message : ''))) {
    return new RedisUnavailableError(
      `${operation} failed: ${redisNamed(context.target)} refused the login (${context.safeMessage(error)}): the user name or password of ` +
        '`connection` is no longer accepted (changed under the app?); it keeps reconnecting, and recovers once they match again',
      { cause },
    );
  }
  if (reply === null && error instanceof Error && error.message === 'Command timed out') {
    // ioredis' commandTimeout: the call was sent, and Redis may have run it (a stalled server runs it once it goes on).
    return new RedisUnavailableError(
      `${operation} failed: ${redisNamed(context.target)} did not answer within the connection's commandTimeout (it may be stalled, ` +
        `paused or unreachable)${maybe === '' ? '' : `; ${maybe}`}`,
      { cause },
    );
  }
  if (reply === null) {
    // ioredis' retry limit names a setting of this library's, not what happened.
    const why = isRetriesExhausted(error) ? 'the connection is down, and the reconnects made for this call failed' : context.safeMessage(error);
    return new RedisUnavailableError(`${operation} failed: ${redisNamed(context.target)} is unreachable (${why})${ifSent(maybe, 'the connection failed')}`, { cause });
  }
  const said = reply.split('\n')[0].slice(0, 300);
  const safe = context.safeMessage(said);
  if (/^OOM\b/.test(reply)) {
    return new TaskStoreError(
      `${operation} failed: ${redisNamed(context.target)} is out of memory (used memory is over maxmemory); ${calls === 1 ? 'nothing was written' : 'the call it refused wrote nothing'}. ` +
        `Free memory or raise maxmemory (Redis said: ${safe})`,
      'out-of-memory',
      { cause },
    );
  }
  if (PERMISSION_DENIED.test(reply)) {
    // Refused inside a script ("... on @user_script:12"), not the EVALSHA itself: Redis keeps what the script
    // wrote before (bootstrap asks first on Redis 7, but a rule can change after).
    const midway = !/@user_script:/.test(reply)
      ? ''
      : effect === 'worker'
        ? ': Redis keeps what the script wrote before the refused command'
        : ': Redis keeps what the script wrote before the refused command, so part of this call may be stored (look a task up by its id before sending it again)';
    return new TaskStoreError(
      `${operation} failed: permission denied: the Redis user may not run ${commandOf(error, reply)} or touch these keys` +
        `${context.prefix === undefined ? '' : ` (this app's keys all match '{${context.prefix}:*')`}${midway}; ` +
        `see the access-control list in docs/operations.md (Redis said: ${safe})`,
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
  if (/^ERR Protocol error: invalid bulk length/.test(reply)) {
    // Redis closes the connection after it: the calls sent with this one on it fail too.
    return new TaskStoreError(
      `${operation} failed: ${redisNamed(context.target)} refused a value longer than its proto-max-bulk-len (a payload or result ` +
        'over it), and closed the connection, failing the calls sent with it; nothing of this call was written. Keep maxPayloadBytes ' +
        `and maxResultBytes under that setting (CONFIG GET proto-max-bulk-len), or raise it (Redis said: ${safe})`,
      'refused',
      { cause },
    );
  }
  return new TaskStoreError(`${operation} failed: ${redisNamed(context.target)} refused it (Redis said: ${safe})`, 'refused', { cause });
}

/** Runs a store call; any error comes out as toStoreError makes it. `calls`: how many script calls the call was sent as (an add), worked out on failure. */
export async function guarded<T>(
  operation: string | (() => string),
  context: ErrorContext,
  call: () => Promise<T>,
  effect: CallEffect = 'writes',
  calls?: () => number,
): Promise<T> {
  // Called once the app had closed its connections: nothing goes out, so nothing can have been stored.
  if (context.closed) throw closedBeforeCall(typeof operation === 'function' ? operation() : operation, effect);
  try {
    return await call();
  } catch (error) {
    throw toStoreError(typeof operation === 'function' ? operation() : operation, error, context, effect, calls?.() ?? 1);
  }
}

/**
 * Redis WAIT on the command connection: resolves once `replicas` replicas have
 * every write this connection made so far, or rejects after `timeoutMs` with a
 * TaskStoreError 'not-replicated' (the write is on the master, and a failover
 * could lose it: re-send with the same id, which adds nothing twice). `tasks`:
 * what was written, named in the message and carried by the error, since a
 * caller that let the library make the ids has no other way to learn them.
 */
export async function waitForReplicas(
  client: RedisClient,
  durability: { replicas: number; timeoutMs: number },
  operation: string,
  target: string,
  tasks: readonly TaskRef[],
): Promise<void> {
  const shown = tasks.slice(0, 3).map((t) => `'${t.id}' in '${t.queue}'`).join(', ');
  const more = tasks.length > 3 ? ` and ${tasks.length - 3} more (the error's tasks lists them all)` : '';
  let acked: number;
  try {
    acked = Number(await client.call('WAIT', durability.replicas, durability.timeoutMs));
  } catch (error) {
    // Refused after the write (bootstrap checked the permission, so the ACL changed since): the tasks are stored.
    if (!(error instanceof Error) || !PERMISSION_DENIED.test(error.message)) throw error;
    throw new TaskStoreError(
      `${operation}: written at ${target}, but the Redis user may not run WAIT, so no replica confirmed it; add +wait to its ACL rule ` +
        `(docs/operations.md), then re-send with the same id (nothing is added twice): ${shown}${more}`,
      'permission-denied',
      { tasks, cause: error },
    );
  }
  if (acked >= durability.replicas) return;
  throw new TaskStoreError(
    `${operation}: written at ${target}, but only ${acked} of ${durability.replicas} replica(s) confirmed it within ` +
      `${durability.timeoutMs} ms, so a failover could lose it; re-send with the same id (nothing is added twice): ${shown}${more}`,
    'not-replicated',
    { tasks },
  );
}
