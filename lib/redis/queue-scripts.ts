import type { QueueKeys } from './queue-keys.js';
import type { RedisClient } from './redis-client.js';
import type { ArgsOf } from './script-args.js';
import type { ScriptArg, ScriptName } from './script-registry.js';

/** What the engine's helpers (logs, probes, bulk operations) need of it: the client, a queue's keys and its scripts. */
export interface QueueScripts {
  readonly client: RedisClient;
  keysOf(queue: string): QueueKeys;
  /** The key base and events setting every queue script starts with: a new object each call. */
  head(queue: string): ArgsOf<'pause'>;
  /** Runs a queue script; a rejection is redacted. */
  script(name: ScriptName, queue: string, args: readonly ScriptArg[]): Promise<unknown>;
}
