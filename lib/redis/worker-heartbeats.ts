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
    private readonly queueDirectory: string,
  ) {
    this.keys = new WorkerKeys(prefix);
  }

  /**
   * One round trip: the record, the worker's queues in the registry of queue
   * names (so an obliterated queue a worker serves is listed again within a
   * beat), and every queue's advertised names (a pipeline per slot on a Cluster, sent at once).
   */
  async beat(worker: Omit<WorkerInfo, 'lastSeenAt'>, ttlMs: number): Promise<void> {
    type Call = { slot: string; kind: 'record' } | { slot: string; kind: 'registry' } | { slot: string; kind: 'names'; queue: string };
    const calls: Call[] = [
      { slot: '', kind: 'record' as const },
      ...(worker.queues.length > 0 ? [{ slot: '', kind: 'registry' as const }] : []),
      ...worker.queues.map((q) => ({ slot: q.queue, kind: 'names' as const, queue: q.queue })),
    ];
    const names = new Map(worker.queues.map((q) => [q.queue, q.handlers]));
    await pipelineGrouped(this.client, calls, (c) => c.slot, (pipeline, call) => {
      if (call.kind === 'record') {
        const args = scriptArgs('heartbeat', { instanceId: worker.instanceId, info: JSON.stringify(worker), ttlMs });
        queueScript(pipeline, 'heartbeat', [this.keys.record(worker.instanceId), this.keys.directory], args);
      } else if (call.kind === 'registry') {
        pipeline.sadd(this.queueDirectory, ...worker.queues.map((q) => q.queue));
      } else {
        const args = scriptArgs('advertise', { ttlMs, names: (names.get(call.queue) ?? []).join(LIST_SEPARATOR) });
        queueScript(pipeline, 'advertise', [this.keysOf(call.queue).handlerNames], args);
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
        return [JSON.parse(text) as WorkerInfo];
      } catch {
        return [];
      }
    });
  }
}
