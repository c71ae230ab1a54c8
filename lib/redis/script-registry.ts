import { createHash } from 'node:crypto';
import type { ChainableCommander } from 'ioredis';
import { sendFlatCommand, type FlatArg } from './flat-command.js';
import type { RedisClient } from './redis-client.js';
import { LUA_SCRIPTS, SCRIPT_VERSION } from './lua/scripts.generated.js';
import { SCRIPTS } from './protocol.js';

/** Name of one Lua script. */
export type ScriptName = keyof typeof SCRIPTS;
/** An argument as Redis receives it. */
export type ScriptArg = FlatArg;

// Every layout has a script and every script a layout (the generator checks the same at build time).
LUA_SCRIPTS satisfies Record<ScriptName, string>;
SCRIPTS satisfies Record<keyof typeof LUA_SCRIPTS, unknown>;

type ChainableScriptMethod = (...args: ScriptArg[]) => ChainableCommander;

/** Each script's command name on the client: the version keeps two library versions apart on one Redis. */
const COMMAND_NAMES = Object.fromEntries(Object.keys(SCRIPTS).map((name) => [name, `nrtasks_${SCRIPT_VERSION}_${name}`])) as Record<ScriptName, string>;

/** The script's command name, made once: every enqueue, fetch and settle looks it up. */
function commandName(name: ScriptName): string {
  return COMMAND_NAMES[name];
}

/** Registers every script on a client for pipelines (queueScript); ioredis then calls them by SHA and loads them once on NOSCRIPT. */
export function defineScripts(client: RedisClient): void {
  for (const name of Object.keys(SCRIPTS) as ScriptName[]) {
    client.defineCommand(commandName(name), { numberOfKeys: SCRIPTS[name].keys.length, lua: LUA_SCRIPTS[name] });
  }
}

/** Each script's SHA-1, the name EVALSHA calls it by. */
const SHAS = Object.fromEntries(
  Object.entries(LUA_SCRIPTS).map(([name, lua]) => [name, createHash('sha1').update(lua).digest('hex')]),
) as Record<ScriptName, string>;

/**
 * The runScript calls of one client not answered yet, an EVAL sent after
 * NOSCRIPT included: closing waits for them before QUIT. An EVALSHA answered
 * NOSCRIPT after QUIT went out could not send its EVAL, and enqueues made
 * just before `app.close()` on a Redis without the script (a new server, a
 * restart, a failover) were lost.
 */
class CallsInFlight {
  private count = 0;
  private waiters: Array<() => void> = [];

  start(): void {
    this.count++;
  }

  end(): void {
    if (--this.count > 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  settled(): Promise<void> {
    return this.count === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }
}

const inFlight = new WeakMap<RedisClient, CallsInFlight>();

/** Resolves once every runScript call made on the client so far has its answer. */
export function scriptCallsSettled(client: RedisClient): Promise<void> {
  return inFlight.get(client)?.settled() ?? Promise.resolve();
}

/**
 * Runs a script on a client: EVALSHA, and EVAL with the script's text when
 * the server does not have it yet (a new server, a restart, SCRIPT FLUSH),
 * which also loads it for the calls after. Sent as a flat command
 * (sendFlatCommand): this is the path of every enqueue, fetch and settle.
 */
export function runScript(client: RedisClient, name: ScriptName, keys: readonly string[], args: readonly ScriptArg[]): Promise<unknown> {
  let calls = inFlight.get(client);
  if (!calls) inFlight.set(client, (calls = new CallsInFlight()));
  const tracked = calls;
  tracked.start();
  return sendFlatCommand(client, 'evalsha', [SHAS[name], keys.length, ...keys, ...args]).then(
    (reply) => {
      tracked.end();
      return reply;
    },
    (error: unknown) => {
      // A Cluster client that followed a failover reports the new master's NOSCRIPT as the last error of its redirections.
      if (!(error instanceof Error) || !/^NOSCRIPT|Last error: ReplyError: NOSCRIPT/.test(error.message)) {
        tracked.end();
        throw error;
      }
      return sendFlatCommand(client, 'eval', [LUA_SCRIPTS[name], keys.length, ...keys, ...args]).finally(() => tracked.end());
    },
  );
}

/** Queues a script call on a pipeline of such a client. */
export function queueScript(pipeline: ChainableCommander, name: ScriptName, keys: readonly string[], args: readonly ScriptArg[]): void {
  const method = (pipeline as unknown as Record<string, ChainableScriptMethod>)[commandName(name)];
  method.call(pipeline, ...keys, ...args);
}
