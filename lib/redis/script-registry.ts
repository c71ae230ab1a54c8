import type { ChainableCommander, Redis } from 'ioredis';
import { LUA_SCRIPTS } from './lua/scripts.generated.js';

/** Bumped whenever a script's contract changes, so two library versions on one Redis never mix commands. */
export const SCRIPT_VERSION = 2;

/** Number of KEYS each script takes (see the header of its .lua file). */
const KEY_COUNTS = {
  enqueue: 10,
  fetch: 10,
  settle: 10,
  release: 10,
  renew: 10,
  recover: 10,
  cancel: 10,
  retry: 10,
  progress: 10,
  watch: 10,
  pause: 10,
  resume: 10,
  counts: 10,
  upsertSchedule: 2,
  removeSchedule: 2,
  fireSchedule: 12,
} as const satisfies Record<keyof typeof LUA_SCRIPTS, number>;

/** Name of one Lua script. */
export type ScriptName = keyof typeof KEY_COUNTS;
/** An argument as Redis receives it. */
export type ScriptArg = string | number;

type ScriptMethod = (...args: ScriptArg[]) => Promise<unknown>;
type ChainableScriptMethod = (...args: ScriptArg[]) => ChainableCommander;

function commandName(name: ScriptName): string {
  return `nrtasks${SCRIPT_VERSION}_${name}`;
}

/** Registers every script on a client; ioredis then calls them by SHA and loads them once on NOSCRIPT. */
export function defineScripts(client: Redis): void {
  for (const name of Object.keys(KEY_COUNTS) as ScriptName[]) {
    client.defineCommand(commandName(name), { numberOfKeys: KEY_COUNTS[name], lua: LUA_SCRIPTS[name] });
  }
}

/** Runs a script on a client whose scripts were defined with defineScripts. */
export function runScript(client: Redis, name: ScriptName, keys: readonly string[], args: readonly ScriptArg[]): Promise<unknown> {
  const method = (client as unknown as Record<string, ScriptMethod>)[commandName(name)];
  return method.call(client, ...keys, ...args);
}

/** Queues a script call on a pipeline of such a client. */
export function queueScript(pipeline: ChainableCommander, name: ScriptName, keys: readonly string[], args: readonly ScriptArg[]): void {
  const method = (pipeline as unknown as Record<string, ChainableScriptMethod>)[commandName(name)];
  method.call(pipeline, ...keys, ...args);
}
