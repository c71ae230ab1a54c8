import { InvalidTaskOptionsError } from '../errors/invalid-task-options.error.js';
import { RedisUnavailableError } from '../errors/redis-unavailable.error.js';
import { redactRedisError } from './redact-error.js';

/** Redis refusing the login: a wrong user name or password, or none given where one is needed. */
export const LOGIN_REFUSED = /^(WRONGPASS|NOAUTH)\b/;
const NO_SUCH_DB = /DB index is out of range|invalid DB index/i;
/** An ACL user that may not run SELECT: Redis names the command in quotes. */
const SELECT_DENIED = /^NOPERM\b.*'select'/i;
// What no reconnect mends: the shape names the wrong kind of server. A Cluster
// client asks its startup nodes for CLUSTER SLOTS; a plain Redis answers that
// cluster support is disabled, a sentinel that it knows no such command. A
// Sentinel client asks for the master by name; ioredis gives the sentinel's
// answer as the "Last error" of its own message.
const NOT_A_CLUSTER_NODE = /cluster support disabled|unknown command .?cluster\b/i;
const NO_SUCH_MASTER = /\bNo such master with that name\b/;
const NOT_A_SENTINEL = /unknown command .?sentinel\b/i;
const SENTINEL_LOGIN_REFUSED = /\bAll sentinels are unreachable\b.*\bLast error: (WRONGPASS|NOAUTH)\b/s;

/**
 * The error that should end waiting for a connection at once, or null when
 * waiting (reconnecting) may still help. ioredis retries a refused login until
 * the connect timeout, and it treats a SELECT of a database the server lacks as
 * a warning and goes on in database 0, where the app would read and write
 * another database's keys; so too when an ACL user may not run SELECT. A Cluster or Sentinel shape that points at the
 * wrong kind of server is retried until the timeout too. `safe` gives an
 * error's message with credentials scrubbed.
 */
export function connectRefusal(error: unknown, target: string, db: number | undefined, safe: (error: unknown) => string): Error | null {
  if (!(error instanceof Error)) return null;
  // A Cluster reports its nodes' failure as "Failed to refresh slots cache.", the node's own error beside it.
  const nodeError = (error as { lastNodeError?: unknown }).lastNodeError;
  if (nodeError instanceof Error && LOGIN_REFUSED.test(nodeError.message)) {
    return connectRefusal(nodeError, target, db, (e) => `${safe(error)}: ${safe(e)}`);
  }
  if (nodeError instanceof Error && NOT_A_CLUSTER_NODE.test(nodeError.message)) {
    return new InvalidTaskOptionsError(
      `TaskModule options: connection: ${target}: a node is not part of a Redis Cluster (${safe(error)}: ${safe(nodeError)}); ` +
        'use the single-node shape (a URL, or { host, port }) for a Redis that is not a Cluster, or list nodes of the Cluster in `cluster` (see docs/cluster.md)',
    );
  }
  if (NO_SUCH_MASTER.test(error.message)) {
    return new InvalidTaskOptionsError(
      `TaskModule options: connection: ${target}: the sentinel monitors no master by that name (${sentinelAnswer(error, safe)}); ` +
        "use the name of a `sentinel monitor` line of the sentinels' configuration (`SENTINEL MASTERS` on a sentinel lists them)",
    );
  }
  if (NOT_A_SENTINEL.test(error.message)) {
    return new InvalidTaskOptionsError(
      `TaskModule options: connection: ${target}: a server in \`sentinels\` is not a Redis Sentinel (${sentinelAnswer(error, safe)}); ` +
        "list the sentinels' addresses (port 26379 by default), or use the single-node shape to reach a Redis directly (see docs/cluster.md)",
    );
  }
  // A sentinel's own refusal comes as ioredis' "All sentinels are unreachable ... Last error: WRONGPASS ...".
  if (SENTINEL_LOGIN_REFUSED.test(error.message)) {
    return new RedisUnavailableError(
      `could not connect to Redis at ${target}: a sentinel refused the login (${sentinelAnswer(error, safe)}); check \`sentinelPassword\` ` +
        '(and `sentinelUsername`) of `connection`, which log in to the sentinels; `password` is for the master and replicas',
      { cause: redactRedisError(error) },
    );
  }
  if (LOGIN_REFUSED.test(error.message)) {
    return new RedisUnavailableError(
      `could not connect to Redis at ${target}: it refused the login (${safe(error)}); check the user name and password of \`connection\` ` +
        '(and, with ACLs, that the user is enabled)',
      { cause: redactRedisError(error) },
    );
  }
  if (SELECT_DENIED.test(error.message)) {
    return new InvalidTaskOptionsError(
      `TaskModule options: connection: Redis at ${target} refused to switch to database ${db ?? '(the one asked for)'} (${safe(error)}); ` +
        "the ACL user needs +select for a database other than 0 (see docs/operations.md), or use database 0",
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

/**
 * A connect error as the timeout message shows it: a Cluster's "Failed to
 * refresh slots cache." says nothing without the error its last node gave.
 */
export function connectErrorText(error: unknown, safe: (error: unknown) => string): string {
  const nodeError = error instanceof Error ? (error as { lastNodeError?: unknown }).lastNodeError : undefined;
  return nodeError instanceof Error ? `${safe(error)} (last node: ${safe(nodeError)})` : safe(error);
}

/** What the sentinel answered, without ioredis' "All sentinels are unreachable" around it (one did answer). */
function sentinelAnswer(error: Error, safe: (error: unknown) => string): string {
  const text = safe(error);
  return /\bLast error: (.+)$/s.exec(text)?.[1].trim() ?? text;
}

/** Where a Cluster announcing addresses this app cannot reach is mended. */
const NAT_MAP_ADVICE = 'map them with clusterOptions.natMap (see docs/cluster.md)';

/** What a Cluster that stayed silent most often means, beside what silence() says. */
export const CLUSTER_SILENCE = `; for a Cluster, also its nodes announcing addresses this app cannot reach (behind NAT or a tunnel): ${NAT_MAP_ADVICE}`;

const UNREACHABLE_NODE = /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT)\b/;

/**
 * Why a Cluster whose startup node answered never became ready, from the
 * last error one of its nodes gave: when that is a network error, the nodes
 * most likely announce addresses this app cannot reach (NAT, a tunnel, a
 * hostname that resolves only inside their network), which ioredis' natMap maps.
 */
export function clusterNodeTrouble(error: unknown, safe: (error: unknown) => string): string {
  const said = safe(error);
  const text = `a node of the Cluster failed (${said})`;
  // The scrubbed text, not instanceof: a network error may come from another realm (a test runner's vm).
  if (!UNREACHABLE_NODE.test(said)) return text;
  // A refused or timed-out address is as often a node that is down as one announced from behind NAT.
  const down = /\b(ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH)\b/.test(said) ? 'the node may be down (CLUSTER INFO on another node shows cluster_state), or ' : '';
  return `${text}: ${down}the nodes announce addresses this app cannot reach (behind NAT or a tunnel?); ${NAT_MAP_ADVICE}`;
}
