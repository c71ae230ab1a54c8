import type { WorkerInfo } from '../interfaces/worker-info.interface.js';
import { pipelineGrouped } from './grouped-pipeline.js';
import { LIST_SEPARATOR } from './protocol.js';
import type { QueueKeys } from './queue-keys.js';
import { redacted } from './redact-error.js';
import type { RedisClient } from './redis-client.js';
import { scriptArgs } from './script-args.js';
import { queueScript, runScript } from './script-registry.js';
import { WorkerKeys } from './worker-keys.js';

/** The heartbeat half of the Redis engine: records in the prefix's slot, handler names in each queue's. */
export class WorkerHeartbeats {
  private readonly keys: WorkerKeys;

  constructor(
    private readonly client: RedisClient,
    prefix: string,
    private readonly keysOf: (queue: string) => QueueKeys,
    /** The registry of queue names (queue-directory.ts), in the directory's slot: each beat lists the worker's queues there. */
    private readonly queueRegistry: string,
  ) {
    this.keys = new WorkerKeys(prefix);
  }

  /**
   * One round trip: the record, with the worker's queues in the registry of
   * queue names (so an obliterated queue a worker serves is listed again
   * within a beat), and every queue's advertised names (a pipeline per slot
   * on a Cluster, sent at once).
   */
  async beat(worker: Omit<WorkerInfo, 'lastSeenAt'>, ttlMs: number): Promise<void> {
    type Call = { slot: string; queue: null } | { slot: string; queue: WorkerInfo['queues'][number] };
    const calls: Call[] = [{ slot: '', queue: null }, ...worker.queues.map((q) => ({ slot: q.queue, queue: q }))];
    await pipelineGrouped(this.client, calls, (c) => c.slot, (pipeline, call) => {
      if (call.queue === null) {
        const queues = worker.queues.map((q) => q.queue).join(LIST_SEPARATOR);
        const args = scriptArgs('heartbeat', { instanceId: worker.instanceId, info: JSON.stringify(worker), ttlMs, queues });
        queueScript(pipeline, 'heartbeat', [this.keys.record(worker.instanceId), this.keys.directory, this.queueRegistry], args);
      } else {
        const args = scriptArgs('advertise', { ttlMs, names: call.queue.handlers.join(LIST_SEPARATOR) });
        queueScript(pipeline, 'advertise', [this.keysOf(call.queue.queue).handlerNames], args);
      }
    });
  }

  async retire(instanceId: string): Promise<void> {
    await redacted(runScript(this.client, 'retireWorker', [this.keys.record(instanceId), this.keys.directory], scriptArgs('retireWorker', { instanceId })));
  }

  async list(): Promise<WorkerInfo[]> {
    const args = scriptArgs('listWorkers', { recordBase: this.keys.recordBase });
    const records = (await redacted(runScript(this.client, 'listWorkers', [this.keys.directory], args))) as string[];
    return records.flatMap((text) => {
      try {
        const worker = JSON.parse(text) as WorkerInfo;
        // A heartbeat of an earlier version counted its buffer in `running` and has no `buffered`.
        for (const q of worker.queues) q.buffered ??= 0;
        return [worker];
      } catch {
        return [];
      }
    });
  }
}
