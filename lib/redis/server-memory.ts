import type { StoreMemory } from '../engine/task-maintenance.js';
import { infoField } from './info-fields.js';
import { dataServers, type RedisClient } from './redis-client.js';
import { within } from '../timers/own-timers.js';

/** A server's share of its maxmemory in use; -1 for one without a limit, so any limited server ranks above it. */
const share = (memory: StoreMemory) => (memory.maxBytes > 0 ? memory.usedBytes / memory.maxBytes : -1);

/**
 * How full the server is (each master of a Cluster, the fullest reported),
 * from INFO memory: the memory Redis counts against maxmemory (replication
 * and AOF buffers left out, as Redis leaves them out), its limit and policy.
 * Null when no server answers INFO (an ACL rule without +info) within
 * `timeoutMs`; of a Cluster, the masters that answered are judged (one
 * stalled master must not hide how full the others are).
 */
export async function serverMemory(client: RedisClient, target: string, timeoutMs: number): Promise<StoreMemory | null> {
  const read = await Promise.all(
    dataServers(client, target).map(async ({ where, node }): Promise<StoreMemory | null> => {
      let info: string | null;
      try {
        info = await within(node.info('memory'), timeoutMs, null);
      } catch {
        return null;
      }
      if (info === null) return null;
      const used = Number(infoField(info, 'used_memory'));
      const notCounted = Number(infoField(info, 'mem_not_counted_for_evict') ?? 0);
      const max = Number(infoField(info, 'maxmemory'));
      if (!Number.isFinite(used) || !Number.isFinite(max)) return null;
      return { where, usedBytes: used - (Number.isFinite(notCounted) ? notCounted : 0), maxBytes: max, policy: infoField(info, 'maxmemory_policy') ?? 'unknown' };
    }),
  );
  const known = read.filter((memory): memory is StoreMemory => memory !== null);
  return known.length === 0 ? null : known.reduce((fullest, memory) => (share(memory) > share(fullest) ? memory : fullest));
}
