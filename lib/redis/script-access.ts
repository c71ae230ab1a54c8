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

/** A key the probes name: of the prefix-wide keys' shape, of a queue the app uses, or of a stand-in queue when none is known. */
type ProbeKey = { readonly key: string } & ({ readonly kind: 'prefix' | 'stand-in' } | { readonly kind: 'queue'; readonly queue: string });

/** Keys probed in one script call: each adds a probe per command (about 2 KB) to it, and an app may use thousands of queues. */
const KEYS_PER_CALL = 100;

/** What the check found: nothing, or warnings (a user that may only read, or may not use some queues). */
export type ScriptAccess = { warnings: string[] };

/** The app the check is for: its prefix, whether it runs a worker, and the queues it is known to use (named in its options, served by its worker). */
export interface AccessCheckApp {
  readonly prefix: string;
  readonly worker: boolean;
  readonly queues: readonly string[];
}

/**
 * Asks Redis (7.0 or later; earlier ones are not asked) which of the
 * scripts' commands the connection's user may not run on this app's keys. A
 * script refused midway keeps what it wrote before the refused command, so a
 * rule that lacks some of them would store a task and report its enqueue
 * failed: that is refused here, naming them. A user that may write nothing
 * (SREM aside, below) is a read-only app (a dashboard, say): it gets a
 * warning, or, with a worker, which could run nothing, the same refusal.
 *
 * The keys asked about are the prefix-wide ones and those of each queue the
 * app is known to use (named in its options, served by its worker), or of a
 * stand-in queue when none is known. A rule may list queues
 * (`~{tasks:}* ~{tasks:billing}*`): a known queue it does not cover stops
 * bootstrap, the stand-in only warns, since the queues a producer will use
 * are not known here.
 */
export async function checkScriptAccess(node: Redis, where: string, app: AccessCheckApp): Promise<ScriptAccess> {
  const { prefix, worker } = app;
  const { queues } = app;
  const keys: ProbeKey[] = [
    { key: `{${prefix}:}:access-check`, kind: 'prefix' },
    ...(queues.length > 0
      ? queues.map((queue): ProbeKey => ({ key: `{${prefix}:${queue}}:access-check`, kind: 'queue', queue }))
      : [{ key: `{${prefix}:access-check}:k`, kind: 'stand-in' } as const]),
  ];
  const refusedOn = new Map(keys.map((probeKey) => [probeKey, new Set<string>()]));
  for (let from = 0; from < keys.length; from += KEYS_PER_CALL) {
    const lines = keys.slice(from, from + KEYS_PER_CALL).flatMap((probeKey) => PROBES.map((probe) => ({ probeKey, probe })));
    const probes = lines.map(({ probeKey, probe }) => probe.command.map((part) => (part === KEY ? probeKey.key : part)).join('\t')).join('\n');
    let reply: unknown;
    try {
      reply = await runScript(node, 'checkAccess', [], [probes]);
    } catch (error) {
      // A user who may not run scripts at all meets that at its first call, with a message that says so.
      if (error instanceof Error && /^NOPERM\b/.test(error.message)) return { warnings: [] };
      throw error;
    }
    // false: a Redis before 7.0, which cannot be asked.
    if (!Array.isArray(reply)) return { warnings: [] };
    for (const line of reply as number[]) {
      const probed = lines[line - 1];
      if (probed) refusedOn.get(probed.probeKey)!.add(nameOf(probed.probe));
    }
  }
  // Every command refused on a key: the key pattern does not cover it, whatever the commands.
  const shut = new Set(keys.filter((probeKey) => KEYED.every((name) => refusedOn.get(probeKey)!.has(name))));
  const pattern = `'{${prefix}:*'`;
  if (keys.some((probeKey) => shut.has(probeKey) && probeKey.kind === 'prefix')) {
    throw new InvalidTaskOptionsError(
      `TaskModule options: connection: the Redis user at ${where} may not run any of the library's commands on this app's keys, which all ` +
        `match ${pattern}: give it that key pattern (~{${prefix}:*) and the commands of the ACL rule in docs/operations.md`,
    );
  }
  const shutQueues = keys.flatMap((probeKey) => (shut.has(probeKey) && probeKey.kind === 'queue' ? [probeKey.queue] : []));
  if (shutQueues.length > 0) {
    const named = shutQueues.map((queue) => `'${queue}'`).join(', ');
    const each = shutQueues.map((queue) => `~{${prefix}:${queue}}*`).join(' ');
    throw new InvalidTaskOptionsError(
      `TaskModule options: connection: the Redis user at ${where} may not run any of the library's commands on the keys of queue ` +
        `${named}, which this app uses (its queues option names it, or its handlers serve it): give it the key pattern ~{${prefix}:* ` +
        `(or ${each} beside the others)`,
    );
  }
  const warnings: string[] = [];
  // Only the stand-in is left to be shut here: the queues the app will use are not known.
  if (keys.some((probeKey) => shut.has(probeKey))) {
    warnings.push(
      `The Redis user at ${where} may use this app's prefix-wide keys but not the keys of every queue (a queue's keys match ` +
        `'{${prefix}:<queue>}*'): a call on a queue its rule does not cover will be refused; give it ~{${prefix}:* to cover them all, ` +
        'or name each queue this app uses in the queues option, which bootstrap then checks (docs/operations.md)',
    );
  }
  const names = new Set(keys.filter((probeKey) => !shut.has(probeKey)).flatMap((probeKey) => [...refusedOn.get(probeKey)!]));
  if (names.size === 0) return { warnings };
  const readOnly = READ_ONLY_LACKS.every((name) => names.has(name));
  if (readOnly && !worker) {
    warnings.push(
      `The Redis user at ${where} may not write this app's keys: it can read tasks (the dashboard, lookups), but every enqueue, ` +
        'cancel, retry and other change will be refused; docs/operations.md has the ACL rule for an app that writes',
    );
    return { warnings };
  }
  const list = [...names].map((name) => `+${name}`).join(' ');
  throw new InvalidTaskOptionsError(
    `TaskModule options: connection: the Redis user at ${where} may not run ${list} on this app's keys (${pattern}), which the ` +
      "library's Lua scripts call. Redis refuses such a command only when a script reaches it, keeping what the script wrote " +
      `before (an enqueue stored and reported failed): add ${list} to the user's ACL rule (docs/operations.md has it whole)` +
      (readOnly ? `; this app runs a worker, which writes (a key pattern for reading only, %R~{${prefix}:*, refuses these too: write ~{${prefix}:*)` : ''),
  );
}
