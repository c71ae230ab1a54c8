import { TaskStoreError } from './task-store.error.js';

/** A queue operation could not reach Redis (connection lost or never made); a TaskStoreError of failure 'unavailable'. */
export class RedisUnavailableError extends TaskStoreError {
  constructor(message: string, options?: { cause?: unknown; tasks?: ReadonlyArray<{ readonly id: string; readonly queue: string }> }) {
    super(message, 'unavailable', options);
    this.name = 'RedisUnavailableError';
  }
}
