import { ITEM_KEY_SUFFIXES, QUEUE_KEY_SUFFIXES, QUEUE_SCRIPT_KEYS } from './protocol.js';

/**
 * Every key of one queue (names from protocol.ts). All share the hash tag
 * `{prefix:queue}` so a queue's keys live in one Redis Cluster slot and one
 * script may touch them all.
 */
export class QueueKeys {
  /** Start of every key of the queue, also given to scripts to build task keys. */
  readonly base: string;
  readonly wait: string;
  /** Tasks enqueued with priority 0, in enqueue order (see QUEUE_KEY_SUFFIXES.waitList). */
  readonly waitList: string;
  /** Compact records of wait-list tasks that have no record key yet (see QUEUE_KEY_SUFFIXES.compactRecords). */
  readonly compactRecords: string;
  readonly delayed: string;
  readonly active: string;
  readonly mark: string;
  readonly dead: string;
  readonly completed: string;
  readonly seq: string;
  readonly blocked: string;
  readonly paused: string;
  readonly rate: string;
  /** The queue's event stream. */
  readonly events: string;
  /** Names of handlers with tasks parked at their fleet-wide limit. */
  readonly parkedNames: string;
  /** Handler names the queue's live workers carry, by expiry. */
  readonly handlerNames: string;
  /** The KEYS every queue script takes, in order. */
  readonly scriptKeys: readonly string[];

  constructor(readonly prefix: string, readonly queue: string) {
    const base = (this.base = `{${prefix}:${queue}}:`);
    const s = QUEUE_KEY_SUFFIXES;
    this.wait = base + s.wait;
    this.waitList = base + s.waitList;
    this.compactRecords = base + s.compactRecords;
    this.delayed = base + s.delayed;
    this.active = base + s.active;
    this.mark = base + s.mark;
    this.dead = base + s.dead;
    this.completed = base + s.completed;
    this.seq = base + s.seq;
    this.blocked = base + s.blocked;
    this.paused = base + s.paused;
    this.rate = base + s.rate;
    this.events = base + s.events;
    this.parkedNames = base + s.parkedNames;
    this.handlerNames = base + s.handlerNames;
    this.scriptKeys = QUEUE_SCRIPT_KEYS.map((name) => this[name]);
  }

  /** The hash holding one task's record (short fields only, so Redis keeps it compact). */
  task(id: string): string {
    return this.base + ITEM_KEY_SUFFIXES.task + id;
  }

  /** The string holding one task's payload JSON. */
  payload(id: string): string {
    return this.base + ITEM_KEY_SUFFIXES.payload + id;
  }

  /** A task's log lines. */
  logs(id: string): string {
    return this.base + ITEM_KEY_SUFFIXES.logs + id;
  }

  /** Results of a task's dependencies, copied there as they complete. */
  dependencyResults(id: string): string {
    return this.base + ITEM_KEY_SUFFIXES.dependencyResults + id;
  }

  /** Ids of the dependencies a blocked task still waits for. */
  pendingDependencies(id: string): string {
    return this.base + ITEM_KEY_SUFFIXES.pendingDependencies + id;
  }

  /** A task's failed attempts (HISTORY_ENTRY). */
  history(id: string): string {
    return this.base + ITEM_KEY_SUFFIXES.history + id;
  }

  /** The ids a task was enqueued to depend on. */
  dependencies(id: string): string {
    return this.base + ITEM_KEY_SUFFIXES.dependencies + id;
  }

  /** The tasks enqueued to depend on this one. */
  dependents(id: string): string {
    return this.base + ITEM_KEY_SUFFIXES.dependents + id;
  }

  /** The wake-up marker of the workers that carry a handler. */
  handlerMark(name: string): string {
    return this.base + ITEM_KEY_SUFFIXES.handlerMark + name;
  }

  /** The wake-up marker of one waiting worker: a poke ends its wait early. */
  waiterMark(id: string): string {
    return this.base + ITEM_KEY_SUFFIXES.waiterMark + id;
  }

  /** Tasks of a handler parked at its fleet-wide limit. */
  handlerParked(name: string): string {
    return this.base + ITEM_KEY_SUFFIXES.handlerParked + name;
  }
}
