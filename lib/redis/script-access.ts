import type { Redis } from 'ioredis';
import { InvalidTaskOptionsError } from '../errors/invalid-task-options.error.js';
import { runScript } from './script-registry.js';

/** Stands for the probe key in PROBES. */
const KEY = '\u0001';

/**
 * Every command the Lua scripts call, with arguments of its shape (so Redis
 * finds the key in them), and whether it writes. A unit test holds this list
 * to the commands in lib/redis/lua.
 */
export const PROBES: ReadonlyArray<{ readonly command: readonly string[]; readonly writes: boolean }> = [
  ...[
    ['TIME'], ['EXISTS', KEY], ['GET', KEY], ['MGET', KEY], ['PTTL', KEY],
    ['HGET', KEY, 'f'], ['HMGET', KEY, 'f'], ['HEXISTS', KEY, 'f'],
    ['ZCARD', KEY], ['ZRANGE', KEY, '0', '0'], ['ZRANGEBYSCORE', KEY, '0', '0'], ['ZSCORE', KEY, 'm'], ['ZCOUNT', KEY, '0', '0'],
    ['ZSCAN', KEY, '0'], ['ZRANK', KEY, 'm'],
    ['SMEMBERS', KEY], ['SCARD', KEY], ['SISMEMBER', KEY, 'm'],
    ['LRANGE', KEY, '0', '0'], ['LLEN', KEY], ['LINDEX', KEY, '0'], ['LPOS', KEY, 'v'],
    ['XREVRANGE', KEY, '+', '-'],
  ].map((command) => ({ command, writes: false })),
  ...[
    ['SET', KEY, 'v'], ['MSET', KEY, 'v'], ['DEL', KEY], ['INCR', KEY], ['INCRBY', KEY, '1'], ['DECR', KEY], ['PEXPIRE', KEY, '1'],
    ['HSET', KEY, 'f', 'v'], ['HSETNX', KEY, 'f', 'v'], ['HDEL', KEY, 'f'], ['HINCRBY', KEY, 'f', '1'],
    ['ZADD', KEY, '0', 'm'], ['ZREM', KEY, 'm'], ['ZPOPMIN', KEY], ['ZREMRANGEBYSCORE', KEY, '0', '0'],
    ['SADD', KEY, 'm'], ['SREM', KEY, 'm'],
    ['RPUSH', KEY, 'v'], ['LPOP', KEY], ['LTRIM', KEY, '0', '0'], ['LREM', KEY, '0', 'v'], ['LSET', KEY, '0', 'v'],
    ['XADD', KEY, '*', 'f', 'v'],
  ].map((command) => ({ command, writes: true })),
];

/** A probe's command as Redis names it in a refusal list, lower case. */
const nameOf = (probe: (typeof PROBES)[number]) => probe.command[0]!.toLowerCase();

/**
 * The writes a read-only user lacks. SREM aside: docs/cli.md's read-only rule
 * grants it so that reading a queue can drop a stale parked name (counts.lua),
 * and the reading a dashboard does then works.
 */
const READ_ONLY_LACKS = PROBES.filter((probe) => probe.writes && probe.command[0] !== 'SREM').map(nameOf);

/** The commands probed on a key: every one of them refused means the key pattern, not the commands. */
const KEYED = PROBES.filter((probe) => probe.command.includes(KEY)).map(nameOf);

/** What the check found: nothing, or a warning for a user that may only read. */
export type ScriptAccess = { warning: string | null };

/**
 * Asks Redis (7.0 or later; earlier ones are not asked) which of the
 * scripts' commands the connection's user may not run on this app's keys. A
 * script refused midway keeps what it wrote before the refused command, so a
 * rule that lacks some of them would store a task and report its enqueue
 * failed: that is refused here, naming them. A user that may write nothing
 * (SREM aside, below) is a read-only app (a dashboard, say): it gets a
 * warning, or, with a worker, which could run nothing, the same refusal.
 */
export async function checkScriptAccess(node: Redis, where: string, prefix: string, worker: boolean): Promise<ScriptAccess> {
  // A queue's key and a prefix-wide one: a pattern can cover one shape and not the other ('~{tasks:}*').
  const keys = [`{${prefix}:access-check}:k`, `{${prefix}:}:access-check`];
  const probes = keys.flatMap((key) => PROBES.map(({ command }) => command.map((part) => (part === KEY ? key : part)).join('\t'))).join('\n');
  let refused: unknown;
  try {
    refused = await runScript(node, 'checkAccess', [], [probes]);
  } catch (error) {
    // A user who may not run scripts at all meets that at its first call, with a message that says so.
    if (error instanceof Error && /^NOPERM\b/.test(error.message)) return { warning: null };
    throw error;
  }
  if (!Array.isArray(refused) || refused.length === 0) return { warning: null };
  const names = new Set((refused as string[]).map((name) => name.toLowerCase()));
  const pattern = `'{${prefix}:*'`;
  if (KEYED.every((name) => names.has(name))) {
    throw new InvalidTaskOptionsError(
      `TaskModule options: connection: the Redis user at ${where} may not run any of the library's commands on this app's keys, which all ` +
        `match ${pattern}: give it that key pattern (~{${prefix}:*) and the commands of the ACL rule in docs/operations.md`,
    );
  }
  const readOnly = READ_ONLY_LACKS.every((name) => names.has(name));
  if (readOnly && !worker) {
    return {
      warning:
        `The Redis user at ${where} may not write this app's keys: it can read tasks (the dashboard, lookups), but every enqueue, ` +
        'cancel, retry and other change will be refused; docs/operations.md has the ACL rule for an app that writes',
    };
  }
  const list = [...names].map((name) => `+${name}`).join(' ');
  throw new InvalidTaskOptionsError(
    `TaskModule options: connection: the Redis user at ${where} may not run ${list} on this app's keys (${pattern}), which the ` +
      "library's Lua scripts call. Redis refuses such a command only when a script reaches it, keeping what the script wrote " +
      `before (an enqueue stored and reported failed): add ${list} to the user's ACL rule (docs/operations.md has it whole)` +
      (readOnly ? '; this app runs a worker, which writes' : ''),
  );
}
