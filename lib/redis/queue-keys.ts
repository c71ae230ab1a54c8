/**
 * Every key of one queue. All share the hash tag `{prefix:queue}` so a queue's
 * keys live in one Redis Cluster slot and one script may touch them all.
 */
export class QueueKeys {
  /** Start of every key of the queue, also given to scripts to build task keys. */
  readonly base: string;
  readonly wait: string;
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

  constructor(readonly prefix: string, readonly queue: string) {
    this.base = `{${prefix}:${queue}}:`;
    this.wait = `${this.base}wait`;
    this.delayed = `${this.base}delayed`;
    this.active = `${this.base}active`;
    this.mark = `${this.base}mark`;
    this.dead = `${this.base}dead`;
    this.completed = `${this.base}completed`;
    this.seq = `${this.base}seq`;
    this.blocked = `${this.base}blocked`;
    this.paused = `${this.base}paused`;
    this.rate = `${this.base}rate`;
    this.events = `${this.base}events`;
  }

  /** The hash holding one task's record (short fields only, so Redis keeps it compact). */
  task(id: string): string {
    return `${this.base}t:${id}`;
  }

  /** The string holding one task's payload JSON. */
  payload(id: string): string {
    return `${this.base}d:${id}`;
  }

  /** Results of a task's dependencies, copied there as they complete. */
  dependencyResults(id: string): string {
    return `${this.base}dr:${id}`;
  }

  /** Ids of the dependencies a blocked task still waits for. */
  pendingDependencies(id: string): string {
    return `${this.base}dp:${id}`;
  }

  /** The ten keys every queue script takes, in the order their headers list. */
  get scriptKeys(): string[] {
    return [this.wait, this.delayed, this.active, this.mark, this.dead, this.completed, this.seq, this.blocked, this.paused, this.rate];
  }
}
