import { randomBytes } from 'node:crypto';
import { queueSettings, type ResolvedTaskOptions } from '../config/resolved-options.js';
import type { AttemptOutcome, FetchReply, FetchRequest, Lease, SettleReply } from '../engine/attempt.js';
import type { EventReader, QueueWaker } from '../engine/event-reader.js';
import type { AddResult, QueuedTask } from '../engine/new-task.js';
import type { RecoverResult, RemovedTask, TaskEngine, UnnamedLease, WatchedTask } from '../engine/task-engine.js';
import type { TaskCounts, TaskInfo } from '../interfaces/task-info.interface.js';
import type { TaskState } from '../interfaces/task-state.js';
import type { WorkerInfo } from '../interfaces/worker-info.interface.js';
import { WorkerHeartbeats } from './worker-heartbeats.js';
import { QueueDirectory } from './queue-directory.js';
import { EventStreamReader } from './event-stream-reader.js';
import { LIST_SEPARATOR, STATE } from './protocol.js';
import { addTasks, scriptCalls } from './task-adder.js';
import { QueueKeys } from './queue-keys.js';
import { BlockingQueueWaker } from './queue-waker.js';
import { redacted } from './redact-error.js';
import type { RedisClient } from './redis-client.js';
import { guarded, waitForReplicas, type CallEffect } from './store-errors.js';
import type { RedisConnections } from './redis-connections.js';
import { replyLayout } from './reply-layout.js';
import { appendSettleRows, fetchArgs, retentionArgs, scriptArgs, type ArgsOf } from './script-args.js';
import { runScript, type ScriptArg, type ScriptName } from './script-registry.js';
import { decodeError, decodeFetchReply, decodeSettleReply, parseJson } from './task-record.codec.js';
import type { ObliterateResult, QueueGauges, StoreMemory } from '../engine/task-maintenance.js';
import type { TaskLogLine } from '../interfaces/task-log.interface.js';
import type { QueueScripts } from './queue-scripts.js';
import { RedisBulkOperations } from './redis-bulk-operations.js';
import { RedisQueueProbes } from './redis-queue-probes.js';
import { serverMemory } from './server-memory.js';
import { RedisTaskLogs } from './redis-task-logs.js';
import { RedisTaskInsights } from './redis-task-insights.js';
import type { TaskAttempt, TaskRelations, ThroughputPoint } from '../interfaces/task-insight.interface.js';
import { listTasks, readDependencyResults, readTasks, taskExists } from './task-queries.js';

/** Expired leases recovered per recover call. */
const RECOVER_LIMIT = 1_000;
/** Queue scripts that only read (counts may drop a stale parked name, watch marks a task awaited): a failure of one leaves nothing to look for. */
const READING_SCRIPTS: ReadonlySet<ScriptName> = new Set<ScriptName>(['counts', 'gauges', 'waitingAge', 'listNamed', 'listWaiting', 'throughput', 'watch']);
/** The worker's own calls: it repeats or reconciles them itself, so their errors advise no one (see CallEffect). */
const WORKER_SCRIPTS: ReadonlySet<ScriptName> = new Set<ScriptName>(['fetch', 'settle', 'renew', 'recover', 'release']);

const WATCH = replyLayout('watch');
const COUNTS = replyLayout('counts');
const RENEW = replyLayout('renew');
const RECOVER = replyLayout('recover');

/** The Redis adapter of the TaskEngine port: every multi-key change is one Lua script. */
export class RedisTaskEngine implements TaskEngine {
  readonly listsEveryWorker = true;
  private readonly keys = new Map<string, QueueKeys>();
  private readonly client: RedisClient;

  private readonly heartbeats: WorkerHeartbeats;
  private readonly directory: QueueDirectory;

  private readonly logs: RedisTaskLogs;
  private readonly probes: RedisQueueProbes;
  private readonly bulk: RedisBulkOperations;
  private readonly insights: RedisTaskInsights;

  constructor(private readonly connections: RedisConnections, private readonly options: ResolvedTaskOptions) {
    this.client = connections.command;
    const scripts: QueueScripts = {
      client: this.client,
      keysOf: (queue) => this.keysOf(queue),
      head: (queue) => this.head(queue),
      script: (name, queue, args) => this.script(name, queue, args),
    };
    this.logs = new RedisTaskLogs(scripts);
    this.probes = new RedisQueueProbes(scripts);
    this.directory = new QueueDirectory(this.client, options.prefix);
    this.bulk = new RedisBulkOperations(scripts, options.prefix, this.directory);
    this.heartbeats = new WorkerHeartbeats(this.client, options.prefix, (queue) => this.keysOf(queue), this.directory.key);
    this.insights = new RedisTaskInsights(scripts);
  }

  private keysOf(queue: string): QueueKeys {
    let keys = this.keys.get(queue);
    if (!keys) this.keys.set(queue, (keys = new QueueKeys(this.options.prefix, queue)));
    return keys;
  }

  /**
   * Every queue script's first two arguments: the key base and the queue's
   * events setting. A new object each call, so callers add their own
   * arguments with Object.assign (object spread is slow on the hot path).
   */
  private head(queue: string): ArgsOf<'pause'> {
    return { base: this.keysOf(queue).base, eventsMaxLen: queueSettings(this.options, queue).eventsMaxLen };
  }

  /** Runs a queue script; a rejection becomes a TaskStoreError naming the script and the queue (see store-errors.ts). */
  private script(name: ScriptName, queue: string, args: readonly ScriptArg[]): Promise<unknown> {
    const effect = READING_SCRIPTS.has(name) ? 'reads' : WORKER_SCRIPTS.has(name) ? 'worker' : 'writes';
    return this.guard(`${name} on queue '${queue}'`, () => runScript(this.client, name, this.keysOf(queue).scriptKeys, args), effect);
  }

  /** Runs reads or several calls; a rejection becomes a TaskStoreError saying what failed (and, for a write, that it may be done). */
  private guard<T>(operation: string | (() => string), call: () => Promise<T>, effect: CallEffect = 'writes', calls?: () => number): Promise<T> {
    return guarded(operation, this.connections, call, effect, calls);
  }

  add(items: ReadonlyArray<QueuedTask>): Promise<AddResult[]> {
    const queues = new Set(items.map((item) => item.queue));
    // Worked out only when needed (an error, a replica wait): every enqueue call passes here.
    const operation = () => `enqueue on queue ${[...queues].map((q) => `'${q}'`).join(', ')}`;
    return this.guard(operation, async () => {
      // The registry command of a queue's first enqueue goes out beside the batch: the same round trip.
      const registering = this.directory.registerOnce(queues);
      const adding = addTasks(this.client, items, (queue) => this.keysOf(queue), (queue) => this.head(queue));
      const results = registering ? (await Promise.all([adding, registering]))[0] : await adding;
      if (this.options.durability) {
        const written = results.flatMap((result) => (result.error === undefined ? [result.ref] : []));
        await waitForReplicas(this.client, this.options.durability, operation(), this.connections.target, written);
      }
      return results;
    }, 'adds', () => scriptCalls(items).length);
  }

  fetch(queue: string, request: FetchRequest): Promise<FetchReply> {
    return this.fetchOn(this.client, queue, request);
  }

  /** The fetch script on a given connection: the shared one, or a waker's, behind its BZPOPMIN. */
  private async fetchOn(client: RedisClient, queue: string, request: FetchRequest): Promise<FetchReply> {
    const args = scriptArgs('fetch', Object.assign(this.head(queue), fetchArgs(request, queueSettings(this.options, queue))));
    const reply = await this.guard(`fetch on queue '${queue}'`, () => runScript(client, 'fetch', this.keysOf(queue).scriptKeys, args), 'worker');
    return decodeFetchReply(reply, request.workerToken);
  }

  async settle(queue: string, outcomes: readonly AttemptOutcome[], next: FetchRequest): Promise<SettleReply> {
    const head = Object.assign(this.head(queue), retentionArgs(this.options.retention), fetchArgs(next, queueSettings(this.options, queue)));
    const args = appendSettleRows(scriptArgs('settle', head), outcomes);
    return decodeSettleReply(await this.script('settle', queue, args), next.workerToken);
  }

  async release(queue: string, leases: ReadonlyArray<Lease & { startedAt?: number }>): Promise<number> {
    if (leases.length === 0) return 0;
    const rows = leases.map((l) => ({ id: l.id, token: l.token, startedAt: l.startedAt ?? '' }));
    return Number(await this.script('release', queue, scriptArgs('release', this.head(queue), rows)));
  }

  async renew(queue: string, workerToken: string, leases: readonly Lease[], leaseMs: number, orphanAgeMs: number, unrecorded: readonly Lease[] = []) {
    const rows = [...leases.map((l) => ({ id: l.id, token: l.token, extend: 1 })), ...unrecorded.map((l) => ({ id: l.id, token: l.token, extend: 0 }))];
    const args = scriptArgs('renew', Object.assign(this.head(queue), { leaseMs, workerToken, orphanAgeMs }), rows);
    const reply = (await this.script('renew', queue, args)) as unknown[];
    const flat = reply[RENEW.head.orphans] as unknown[];
    const orphans: UnnamedLease[] = [];
    for (let i = 0; i + 2 < flat.length; i += 3) orphans.push({ id: String(flat[i]), token: String(flat[i + 1]), startedAt: Number(flat[i + 2]) });
    return { lost: (reply[RENEW.head.lost] as unknown[]).map(String), orphans };
  }

  private async cancelAs(queue: string, id: string, removed: '1' | ''): Promise<boolean> {
    return Number(await this.script('cancel', queue, scriptArgs('cancel', Object.assign(this.head(queue), { id, removed })))) === 1;
  }

  async recover(queue: string): Promise<RecoverResult> {
    const { age, count } = this.options.retention.dead;
    const keepCompletedAge = this.options.retention.completed.age;
    const args = scriptArgs('recover', Object.assign(this.head(queue), { limit: RECOVER_LIMIT, keepDeadAge: age, keepDeadCount: count, keepCompletedAge }));
    const reply = (await this.script('recover', queue, args)) as unknown[];
    const list = (field: unknown) => (field ? String(field).split(LIST_SEPARATOR) : []);
    return {
      requeued: Number(reply[RECOVER.head.requeued]),
      dead: Number(reply[RECOVER.head.dead]),
      deadIds: list(reply[RECOVER.head.deadIds]),
      workers: list(reply[RECOVER.head.workers]),
      unstarted: Number(reply[RECOVER.head.unstarted]),
    };
  }

  async progress(queue: string, lease: Lease, progressJson: string): Promise<boolean> {
    const args = scriptArgs('progress', Object.assign(this.head(queue), { id: lease.id, token: lease.token, progress: progressJson }));
    return Number(await this.script('progress', queue, args)) === 1;
  }

  async get(queue: string, id: string): Promise<TaskInfo | null> {
    return (await this.guard(`get on queue '${queue}'`, () => readTasks(this.client, this.keysOf(queue), [id]), 'reads'))[0];
  }

  list(queue: string, state: TaskState, offset: number, limit: number, name: string | null = null, values = true): Promise<TaskInfo[]> {
    return this.guard(`list on queue '${queue}'`, () =>
      name === null ? listTasks(this.client, this.keysOf(queue), state, offset, limit, values) : this.insights.listNamed(queue, state, offset, limit, name, values),
    'reads');
  }

  cancel(queue: string, id: string): Promise<boolean> {
    return this.cancelAs(queue, id, '');
  }

  async remove(queue: string, id: string): Promise<RemovedTask> {
    // Two scripts, each atomic: a task that finishes between them is then removed as finished.
    if (await this.cancelAs(queue, id, '1')) return 'unfinished';
    const removed = Number(await this.script('removeFinished', queue, scriptArgs('removeFinished', Object.assign(this.head(queue), { id })))) === 1;
    return removed ? 'finished' : null;
  }

  async retry(queue: string, id: string): Promise<boolean> {
    return Number(await this.script('retry', queue, scriptArgs('retry', Object.assign(this.head(queue), { id })))) === 1;
  }

  async promote(queue: string, id: string): Promise<boolean> {
    return Number(await this.script('promote', queue, scriptArgs('promote', Object.assign(this.head(queue), { id })))) === 1;
  }

  async counts(queue: string): Promise<TaskCounts> {
    const reply = ((await this.script('counts', queue, scriptArgs('counts', this.head(queue)))) as unknown[]).map(Number);
    const at = COUNTS.head;
    return {
      blocked: reply[at.blocked],
      waiting: reply[at.waiting],
      delayed: reply[at.delayed],
      active: reply[at.active],
      completed: reply[at.completed],
      dead: reply[at.dead],
      paused: reply[at.paused] === 1,
    };
  }

  async pause(queue: string): Promise<void> {
    // Listed too, as a paused queue that nothing was enqueued to yet (or a name mistyped) would otherwise be
    // invisible to queues() and the dashboard, which show it paused.
    const registering = this.directory.registerOnce([queue]);
    const pausing = this.script('pause', queue, scriptArgs('pause', this.head(queue)));
    await Promise.all([pausing, registering && this.guard(`pause on queue '${queue}'`, () => registering)]);
  }

  async resume(queue: string): Promise<void> {
    await this.script('resume', queue, scriptArgs('resume', this.head(queue)));
  }

  dependencyResults(queue: string, id: string): Promise<ReadonlyMap<string, unknown>> {
    return this.guard(`dependencies on queue '${queue}'`, () => readDependencyResults(this.client, this.keysOf(queue), id), 'reads');
  }

  async watch(queue: string, id: string): Promise<WatchedTask | undefined> {
    const reply = (await this.script('watch', queue, scriptArgs('watch', Object.assign(this.head(queue), { id })))) as string[] | null;
    if (!reply) return undefined;
    const lastEventId = reply[WATCH.head.lastEventId];
    const state = reply[WATCH.head.state];
    if (state === STATE.completed) return { final: { state: 'completed', result: parseJson(reply[WATCH.head.result]) }, lastEventId };
    if (state === STATE.dead) {
      return { final: { state: 'dead', error: decodeError(reply[WATCH.head.error]) ?? { message: 'task failed' } }, lastEventId };
    }
    return { final: null, lastEventId };
  }

  existing(queue: string, ids: readonly string[]): Promise<boolean[]> {
    return this.guard(`existence check on queue '${queue}'`, () => taskExists(this.client, this.keysOf(queue), ids), 'reads');
  }

  async lastEventId(queue: string): Promise<string> {
    const read = () => redacted(this.client.xrevrange(this.keysOf(queue).events, '+', '-', 'COUNT', 1));
    const last = (await this.guard(`events on queue '${queue}'`, read, 'reads')) as Array<[string, unknown]>;
    return last[0]?.[0] ?? '0-0';
  }

  async openEventReader(queue: string): Promise<EventReader> {
    return new EventStreamReader(await this.connections.open('blocking', `events of queue '${queue}'`), this.keysOf(queue).events, queue, this.connections);
  }

  async createWaker(queue: string, handlerNames: readonly string[] = []): Promise<QueueWaker> {
    const keys = this.keysOf(queue);
    const client = await this.connections.open('blocking', `worker of queue '${queue}'`);
    const ownMark = keys.waiterMark(randomBytes(9).toString('base64url'));
    return new BlockingQueueWaker({
      client,
      markKeys: [keys.mark, ...handlerNames.map((name) => keys.handlerMark(name)), ownMark],
      ownMark,
      command: this.client,
      owner: this.connections,
      fetch: (request) => this.fetchOn(client, queue, request),
    });
  }

  heartbeat(worker: Omit<WorkerInfo, 'lastSeenAt'>, ttlMs: number): Promise<void> {
    return this.guard('worker heartbeat', () => this.heartbeats.beat(worker, ttlMs), 'worker');
  }

  retireWorker(instanceId: string): Promise<void> {
    return this.guard('retiring a worker', () => this.heartbeats.retire(instanceId), 'worker');
  }

  workers(): Promise<WorkerInfo[]> {
    return this.guard('listing workers', () => this.heartbeats.list(), 'reads');
  }

  queues(): Promise<string[]> {
    return this.guard('listing queues', () => this.directory.list(), 'reads');
  }

  // Task logs, probes and bulk operations (TaskMaintenance), each in a file of its own.

  appendLog(queue: string, lease: Lease, message: string, maxLines: number): Promise<boolean> {
    return this.guard(`task log on queue '${queue}'`, () => this.logs.append(queue, lease, message, maxLines));
  }

  readLog(queue: string, id: string): Promise<TaskLogLine[] | null> {
    return this.guard(`task log on queue '${queue}'`, () => this.logs.read(queue, id), 'reads');
  }

  ready(): Promise<void> {
    return this.connections.whenReady();
  }

  ping(): Promise<void> {
    return this.guard('ping', () => this.probes.ping(), 'reads');
  }

  connectionTrouble(): string | null {
    return this.connections.commandTrouble();
  }

  memory(timeoutMs: number): Promise<StoreMemory | null> {
    return serverMemory(this.client, this.connections.target, timeoutMs);
  }

  gauges(queue: string, maxAgeMs: number): Promise<QueueGauges> {
    return this.guard(`gauges of queue '${queue}'`, () => this.probes.gauges(queue, maxAgeMs), 'reads');
  }

  waitingAge(queue: string, maxLevels: number): Promise<number | null> {
    return this.guard(`waiting age of queue '${queue}'`, () => this.probes.waitingAge(queue, maxLevels), 'reads');
  }

  retryDead(queue: string, name: string | null): Promise<number> {
    return this.guard(`retryAll on queue '${queue}'`, () => this.bulk.retryDead(queue, name));
  }

  drain(queue: string, delayed: boolean): Promise<number> {
    return this.guard(`drain on queue '${queue}'`, () => this.bulk.drain(queue, delayed));
  }

  clean(queue: string, state: 'completed' | 'dead', olderThanMs: number, limit: number | null): Promise<string[]> {
    return this.guard(`clean on queue '${queue}'`, () => this.bulk.clean(queue, state, olderThanMs, limit));
  }

  obliterate(queue: string, force: boolean): Promise<ObliterateResult> {
    return this.guard(`obliterate on queue '${queue}'`, () => this.bulk.obliterate(queue, force));
  }

  // Throughput, attempt history and relations (TaskInsights).

  throughput(queue: string, minutes: number): Promise<ThroughputPoint[]> {
    return this.guard(`throughput of queue '${queue}'`, () => this.insights.throughput(queue, minutes), 'reads');
  }

  history(queue: string, id: string): Promise<TaskAttempt[] | null> {
    return this.guard(`history on queue '${queue}'`, () => this.insights.history(queue, id), 'reads');
  }

  relations(queue: string, id: string): Promise<TaskRelations | null> {
    return this.guard(`relations on queue '${queue}'`, () => this.insights.relations(queue, id), 'reads');
  }
}
