import { InvalidTaskOptionsError } from '../errors/invalid-task-options.error.js';
import { NAT_MAP_ADVICE } from '../config/nat-map-advice.js';
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
/** ioredis' parser meeting a byte no Redis reply starts with: another kind of server (HTTP, a database) on the port. */
const NOT_REDIS = /^Protocol error, got (.+?) as reply type byte/;
/** The first byte of a TLS record (alert 0x15, handshake 0x16): a TLS endpoint answering a plain client. */
const TLS_RECORD = /^"(\u0015|\u0016|\\u0015|\\u0016)"$/;

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
  if (!isErrorLike(error)) return null;
  const nodeError = nodeErrorOf(error);
  if (nodeError && LOGIN_REFUSED.test(nodeError.message)) {
    return connectRefusal(nodeError, target, db, (e) => `${safe(error)}: ${safe(e)}`);
  }
  if (nodeError && NOT_A_CLUSTER_NODE.test(nodeError.message)) {
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
      `could not connect to ${redisNamed(target)}: a sentinel refused the login (${sentinelAnswer(error, safe)}); check \`sentinelPassword\` ` +
        '(and `sentinelUsername`) of `connection`, which log in to the sentinels; `password` is for the master and replicas',
      { cause: redactRedisError(error) },
    );
  }
  const notRedis = NOT_REDIS.exec(error.message);
  if (notRedis && TLS_RECORD.test(notRedis[1])) {
    return new RedisUnavailableError(
      `could not connect to ${redisNamed(target)}: it answered with TLS (a TLS record where a Redis reply was expected); ` +
        'use a rediss:// URL or the tls option of `connection` (a managed Redis with encryption in transit, or a TLS proxy in front of it)',
    );
  }
  if (notRedis) {
    // ioredis adds "Please report this.", which reads like a bug of its own: it is the server on the port.
    return new RedisUnavailableError(
      `could not connect to ${redisNamed(target)}: something other than Redis answered there (its reply began with ${notRedis[1]}, ` +
        'where a Redis reply begins with +, -, :, $ or *); check the host and port of `connection` (6379 by default)',
    );
  }
  if (LOGIN_REFUSED.test(error.message)) {
    return new RedisUnavailableError(
      `could not connect to ${redisNamed(target)}: it refused the login (${safe(error)}); check the user name and password of \`connection\` ` +
        '(and, with ACLs, that the user is enabled)',
      { cause: redactRedisError(error) },
    );
  }
  if (SELECT_DENIED.test(error.message)) {
    return new InvalidTaskOptionsError(
      `TaskModule options: connection: ${redisNamed(target)} refused to switch to database ${db ?? '(the one asked for)'} (${safe(error)}); ` +
        "the ACL user needs +select for a database other than 0 (see docs/operations.md), or use database 0",
    );
  }
  if (NO_SUCH_DB.test(error.message)) {
    return new InvalidTaskOptionsError(
      `TaskModule options: connection: ${redisNamed(target)} has no database ${db ?? '(the one asked for)'} (${safe(error)}); ` +
        "use a database number below the server's `databases` setting (16 by default)",
    );
  }
  return certificateRefusal(error, target, safe);
}

/**
 * Whether `value` is an error, by its shape: Node's socket and TLS errors seen
 * from another realm (a test runner's vm) are no `instanceof Error` here.
 */
export function isErrorLike(value: unknown): value is Error {
  return value instanceof Error || (typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string');
}

/**
 * The error a Cluster's last node gave, which ioredis hangs on its "Failed to
 * refresh slots cache." (that message alone says nothing of what failed).
 */
function nodeErrorOf(error: unknown): Error | undefined {
  const nodeError = isErrorLike(error) ? (error as { lastNodeError?: unknown }).lastNodeError : undefined;
  return isErrorLike(nodeError) ? nodeError : undefined;
}

/**
 * Where Redis is, as a message names it after "connect to": "Redis at
 * host:port", or the target itself when it already says what it is ("Redis
 * Cluster via ...", "the Sentinel master ... via sentinels ...", "an app-owned
 * Redis instance at ...").
 */
export function redisNamed(target: string): string {
  if (/^(Redis |an )/.test(target)) return target;
  return target.startsWith('Sentinel ') ? `the ${target}` : `Redis at ${target}`;
}

// Each: Node's codes, or its messages for the same cases (a sentinel's error reaches us as text only, ioredis' "Last error: ...").
/** A server certificate that no CA this process trusts vouches for. */
const UNTRUSTED_CERTIFICATE =
  /^(SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|CERT_UNTRUSTED|CERT_SIGNATURE_FAILURE)$|\b(self[- ]signed certificate|unable to verify the first certificate|unable to get (local )?issuer certificate|certificate signature failure)\b/i;
const CERTIFICATE_DATES = /^CERT_(HAS_EXPIRED|NOT_YET_VALID)$|\bcertificate (has expired|is not yet valid)\b/i;
const CERTIFICATE_HOST = /^ERR_TLS_CERT_ALTNAME_INVALID$|\bdoes not match certificate's altnames\b/;
/** OpenSSL refusing the client's own TLS settings (a key, certificate or CA that is not PEM, a key of another certificate). */
const TLS_SETTINGS = /^ERR_OSSL_|\bPEM routines\b/;

/**
 * A certificate problem, which no reconnect mends (each attempt meets the same
 * certificate), as the error that ends the wait at once; null for any other
 * error. Node's code when the error has one, else its message (a sentinel's
 * error, or a Cluster node's, comes as text).
 */
function certificateRefusal(error: Error, target: string, safe: (error: unknown) => string): Error | null {
  const nodeError = nodeErrorOf(error);
  const said = nodeError ? `${safe(error)}: ${safe(nodeError)}` : safe(error);
  const code = [error, nodeError].map((e) => (e as { code?: unknown } | undefined)?.code).find((c): c is string => typeof c === 'string') ?? '';
  const test = (pattern: RegExp) => pattern.test(code) || pattern.test(said);
  const where = `could not connect to ${redisNamed(target)}`;
  const cause = { cause: redactRedisError(error) };
  if (test(UNTRUSTED_CERTIFICATE)) {
    return new RedisUnavailableError(
      `${where}: its TLS certificate is not signed by a CA this app trusts (${said}); give the certificate of the CA that signed it ` +
        "as tls.ca of `connection` (its PEM text, readFileSync('ca.pem'), not the file's path), or name that file in the NODE_EXTRA_CA_CERTS environment variable",
      cause,
    );
  }
  if (test(CERTIFICATE_DATES)) {
    return new RedisUnavailableError(`${where}: its TLS certificate is outside its validity dates (${said}); renew the server's certificate, or set this machine's clock right`, cause);
  }
  if (test(CERTIFICATE_HOST)) {
    return new RedisUnavailableError(
      `${where}: its TLS certificate is not for the host name connected to (${said}); connect by a name the certificate lists, or give that name as tls.servername of \`connection\``,
      cause,
    );
  }
  if (test(TLS_SETTINGS)) {
    const pem = /no start line/i.test(said) ? "tls.ca, tls.cert and tls.key take PEM text (a file's contents, readFileSync(path)), not a path" : 'check tls.key (and tls.passphrase), tls.cert and tls.ca';
    return new InvalidTaskOptionsError(`TaskModule options: connection: the TLS settings cannot be used (${said}); ${pem}`);
  }
  return null;
}

/**
 * Whether the error is ioredis' "Reached the max retries per request limit":
 * commands sent while connecting (AUTH, the ready check) outlived the reconnect
 * attempts. It says nothing of why each attempt failed (the socket's own error
 * does), and names a limit this library sets itself.
 */
export function isRetriesExhausted(error: unknown): boolean {
  return isErrorLike(error) && (error.name === 'MaxRetriesPerRequestError' || /^Reached the max retries per request limit\b/.test(error.message));
}

/**
 * A connect error as the timeout message shows it: a Cluster's "Failed to
 * refresh slots cache." says nothing without the error its last node gave, nor
 * ioredis' retry limit without what it means here.
 */
export function connectErrorText(error: unknown, safe: (error: unknown) => string): string {
  if (isRetriesExhausted(error)) return 'every connection was closed before Redis answered';
  const nodeError = nodeErrorOf(error);
  return nodeError ? `${safe(error)} (last node: ${safe(nodeError)})` : safe(error);
}

/** A socket reset or broken while connecting (Node's codes in the message, as ioredis gives them). */
const RESET = /\b(ECONNRESET|EPIPE)\b/;

/**
 * What to add to a connect failure of a client that speaks no TLS when the
 * server closed its connections as it connected: a Redis that listens for TLS
 * only resets a plain connection at its first bytes, and one at its maxclients
 * closes a new one after its error, which the socket's failure may hide.
 */
export function plainToTlsHint(error: unknown, tls: boolean, safe: (error: unknown) => string): string {
  if (tls) return '';
  const nodeError = nodeErrorOf(error);
  const reset = isRetriesExhausted(error) || RESET.test(safe(error)) || (nodeError !== undefined && RESET.test(safe(nodeError)));
  return reset ? '; Redis closed the connection as it opened: if this Redis expects TLS, use a rediss:// URL or the tls option of `connection`; else it may have reached its maxclients limit (INFO clients)' : '';
}

/** What the sentinel answered, without ioredis' "All sentinels are unreachable" around it (one did answer). */
function sentinelAnswer(error: Error, safe: (error: unknown) => string): string {
  const text = safe(error);
  return /\bLast error: (.+)$/s.exec(text)?.[1].trim() ?? text;
}

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
