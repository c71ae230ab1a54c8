import { WORKER_DIRECTORY_SUFFIX, WORKER_RECORD_SUFFIX } from './protocol.js';

/**
 * Where the heartbeats of a prefix's workers live: in the prefix-wide slot
 * `{prefix:}` (as the schedule directory), so listing them is one script on
 * one node; each queue's handler names live with the queue's keys, where fetch reads them.
 */
export class WorkerKeys {
  /** Sorted set: instance id -> heartbeat expiry (store time). */
  readonly directory: string;
  /** The start of every record key, followed by an instance id. */
  readonly recordBase: string;

  constructor(prefix: string) {
    this.directory = `{${prefix}:}:${WORKER_DIRECTORY_SUFFIX}`;
    this.recordBase = `{${prefix}:}:${WORKER_RECORD_SUFFIX}`;
  }

  /** One worker's heartbeat record (its WorkerInfo JSON, expiring with the heartbeat). */
  record(instanceId: string): string {
    return this.recordBase + instanceId;
  }
}
