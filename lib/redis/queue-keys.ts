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
  /** Pub/sub channel where final states of awaited tasks are published. */
  readonly doneChannel: string;

  constructor(readonly prefix: string, readonly queue: string) {
    this.base = `{${prefix}:${queue}}:`;
    this.wait = `${this.base}wait`;
    this.delayed = `${this.base}delayed`;
    this.active = `${this.base}active`;
    this.mark = `${this.base}mark`;
    this.dead = `${this.base}dead`;
    this.completed = `${this.base}completed`;
    this.seq = `${this.base}seq`;
    this.doneChannel = `${this.base}done`;
  }

  /** The hash holding one task's record (short fields only, so Redis keeps it compact). */
  task(id: string): string {
    return `${this.base}t:${id}`;
  }

  /** The string holding one task's payload JSON. */
  payload(id: string): string {
    return `${this.base}d:${id}`;
  }

  /** The seven keys every queue script takes, in the order their headers list. */
  get scriptKeys(): [string, string, string, string, string, string, string] {
    return [this.wait, this.delayed, this.active, this.mark, this.dead, this.completed, this.seq];
  }
}
