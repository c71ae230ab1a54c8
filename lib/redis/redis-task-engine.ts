import type { Redis } from 'ioredis';
import { RedisUnavailableError } from '../errors/redis-unavailable.error.js';
import { redactRedisError, redacted } from './redact-error.js';
import type { TaskCounts, TaskInfo } from '../interfaces/task-info.interface.js';
import type { ResolvedTaskOptions } from '../module/resolved-options.js';
import { encodeBackoff } from '../policies/backoff.js';
import { FinalStateChannel } from './final-state-channel.js';
import { QueueKeys } from './queue-keys.js';
import { BlockingQueueWaker } from './queue-waker.js';
import type { RedisConnections } from './redis-connections.js';
import { defineScripts, queueScript, runScript, type ScriptArg } from './script-registry.js';
import { decodeSettleReply, decodeFetchReply, decodeTaskInfo } from './task-record.codec.js';
import type {
  AddResult,
  AttemptOutcome,
  FetchReply,
  FetchRequest,
  FinalState,
  Lease,
  NewTask,
  QueueWaker,
  SettleReply,
  TaskEngine,
} from './task-engine.js';

/** Tasks per enqueue script call: a large batch is split so no one call holds Redis for long. */
const ADD_CHUNK = 1_000;
/** Expired leases recovered per recover call. */
const RECOVER_LIMIT = 1_000;

/** The Redis implementation of the engine: every multi-key change is one Lua script. */
export class RedisTaskEngine implements TaskEngine {
  private readonly keys = new Map<string, QueueKeys>();
  private readonly client: Redis;
  private readonly finals: FinalStateChannel;

  constructor(private readonly connections: RedisConnections, private readonly options: ResolvedTaskOptions) {
    this.client = connections.command;
    defineScripts(this.client);
    this.finals = new FinalStateChannel(connections);
  }

  /** Runs a script; a rejection is redacted (see redactRedisError). */
  private script(name: Parameters<typeof runScript>[1], keys: readonly string[], args: readonly ScriptArg[]): Promise<unknown> {
    return redacted(runScript(this.client, name, keys, args));
  }

  private keysOf(queue: string): QueueKeys {
    let keys = this.keys.get(queue);
    if (!keys) {
      keys = new QueueKeys(this.options.prefix, queue);
      this.keys.set(queue, keys);
    }
    return keys;
  }

  async add(items: ReadonlyArray<{ queue: string; task: NewTask }>): Promise<AddResult[]> {
    try {
      return await this.addOnce(items);
    } catch (error) {
      if (this.client.status === 'ready') throw redactRedisError(error);
      throw new RedisUnavailableError(`Redis at ${this.connections.target} is unreachable (${this.connections.safeMessage(error)})`, {
        cause: redactRedisError(error),
      });
    }
  }

  private async addOnce(items: ReadonlyArray<{ queue: string; task: NewTask }>): Promise<AddResult[]> {
    // One pipeline (one round trip) holding one script call per queue and chunk.
    const groups = new Map<string, number[]>();
    items.forEach((item, index) => {
      const list = groups.get(item.queue) ?? [];
      list.push(index);
      groups.set(item.queue, list);
    });
    const calls: Array<{ queue: string; indexes: number[] }> = [];
    for (const [queue, indexes] of groups) {
      for (let i = 0; i < indexes.length; i += ADD_CHUNK) calls.push({ queue, indexes: indexes.slice(i, i + ADD_CHUNK) });
    }
    const replies: unknown[] = [];
    if (calls.length === 1) {
      const { queue, indexes } = calls[0];
      replies.push(await this.script('enqueue', this.keysOf(queue).scriptKeys, this.addArgs(queue, indexes.map((i) => items[i].task))));
    } else {
      const pipeline = this.client.pipeline();
      for (const { queue, indexes } of calls) {
        queueScript(pipeline, 'enqueue', this.keysOf(queue).scriptKeys, this.addArgs(queue, indexes.map((i) => items[i].task)));
      }
      for (const [error, reply] of (await redacted(pipeline.exec())) ?? []) {
        if (error) throw redactRedisError(error);
        replies.push(reply);
      }
    }
    const results: AddResult[] = new Array(items.length);
    calls.forEach(({ queue, indexes }, c) => {
      const reply = replies[c] as unknown[];
      indexes.forEach((itemIndex, k) => {
        results[itemIndex] = { ref: { id: String(reply[2 * k]), queue }, created: Number(reply[2 * k + 1]) === 1 };
      });
    });
    return results;
  }

  private addArgs(queue: string, tasks: NewTask[]): ScriptArg[] {
    const args: ScriptArg[] = [this.keysOf(queue).base];
    for (const t of tasks) {
      if (t.id === undefined) throw new Error('a task reached the store without an id');
      args.push(t.id, t.name, t.payloadJson, t.priority, t.delayMs, t.runAt ?? '', t.maxAttempts, encodeBackoff(t.backoff), t.timeoutMs);
    }
    return args;
  }

  async fetch(queue: string, request: FetchRequest): Promise<FetchReply> {
    const keys = this.keysOf(queue);
    const reply = await this.script('fetch', keys.scriptKeys, [keys.base, request.count, request.workerToken, request.leaseMs]);
    return decodeFetchReply(reply, request.workerToken);
  }

  async settle(queue: string, outcomes: readonly AttemptOutcome[], next: FetchRequest): Promise<SettleReply> {
    const keys = this.keysOf(queue);
    const { completed, dead } = this.options.retention;
    const args: ScriptArg[] = [
      keys.base, completed.age, completed.count, dead.age, dead.count, next.count, next.workerToken, next.leaseMs,
    ];
    for (const o of outcomes) {
      if (o.kind === 'completed') args.push(o.lease.id, o.lease.token, 'c', o.resultJson, 0);
      else if (o.then.action === 'retry') args.push(o.lease.id, o.lease.token, 'r', o.errorJson, o.then.delayMs);
      else args.push(o.lease.id, o.lease.token, 'x', o.errorJson, 0);
    }
    return decodeSettleReply(await this.script('settle', keys.scriptKeys, args), next.workerToken);
  }

  async release(queue: string, leases: readonly Lease[]): Promise<number> {
    if (leases.length === 0) return 0;
    const keys = this.keysOf(queue);
    return Number(await this.script('release', keys.scriptKeys, [keys.base, ...leases.flatMap((l) => [l.id, l.token])]));
  }

  async renew(
    queue: string,
    workerToken: string,
    leases: readonly Lease[],
    leaseMs: number,
    orphanAgeMs: number,
  ): Promise<{ lost: string[]; orphans: number }> {
    const keys = this.keysOf(queue);
    const reply = (await this.script('renew', keys.scriptKeys, [
      keys.base, leaseMs, workerToken, orphanAgeMs, ...leases.flatMap((l) => [l.id, l.token]),
    ])) as [unknown[], unknown];
    return { lost: reply[0].map(String), orphans: Number(reply[1]) };
  }

  async recover(queue: string): Promise<{ requeued: number; dead: number }> {
    const keys = this.keysOf(queue);
    const { age, count } = this.options.retention.dead;
    const reply = (await this.script('recover', keys.scriptKeys, [keys.base, RECOVER_LIMIT, age, count])) as unknown[];
    return { requeued: Number(reply[0]), dead: Number(reply[1]) };
  }

  async progress(queue: string, lease: Lease, progressJson: string): Promise<boolean> {
    const keys = this.keysOf(queue);
    return Number(await this.script('progress', [keys.task(lease.id)], [lease.token, progressJson])) === 1;
  }

  async get(queue: string, id: string): Promise<TaskInfo | null> {
    const keys = this.keysOf(queue);
    const [[recordError, record], [payloadError, payload]] = ((await redacted(
      this.client.pipeline().hgetall(keys.task(id)).get(keys.payload(id)).exec(),
    )) ?? []) as [[Error | null, Record<string, string>], [Error | null, string | null]];
    if (recordError) throw redactRedisError(recordError);
    if (payloadError) throw redactRedisError(payloadError);
    return decodeTaskInfo(queue, id, record, payload);
  }

  async cancel(queue: string, id: string): Promise<boolean> {
    const keys = this.keysOf(queue);
    return Number(await this.script('cancel', keys.scriptKeys, [keys.base, id])) === 1;
  }

  async retry(queue: string, id: string): Promise<boolean> {
    const keys = this.keysOf(queue);
    return Number(await this.script('retry', keys.scriptKeys, [keys.base, id])) === 1;
  }

  async counts(queue: string): Promise<TaskCounts> {
    const keys = this.keysOf(queue);
    const replies =
      (await redacted(this.client.pipeline().zcard(keys.wait).zcard(keys.delayed).zcard(keys.active).zcard(keys.completed).zcard(keys.dead).exec())) ?? [];
    const [waiting, delayed, active, completed, dead] = replies.map(([error, n]) => {
      if (error) throw redactRedisError(error);
      return Number(n);
    });
    return { waiting, delayed, active, completed, dead };
  }

  async watch(queue: string, id: string): Promise<FinalState | null | undefined> {
    const reply = (await this.script('watch', [this.keysOf(queue).task(id)], [])) as string[] | null;
    if (!reply) return undefined;
    if (reply[0] === 'c') return { state: 'completed', resultJson: reply[1] };
    if (reply[0] === 'x') return { state: 'dead', errorJson: reply[2] };
    return null;
  }

  onFinal(queue: string, listener: (id: string, state: FinalState) => void, onGap: () => void): Promise<() => Promise<void>> {
    return this.finals.subscribe(this.keysOf(queue).doneChannel, listener, onGap);
  }

  async createWaker(queue: string): Promise<QueueWaker> {
    return new BlockingQueueWaker(await this.connections.open('blocking'), this.keysOf(queue).mark, this.connections);
  }
}
