import { Redis } from 'ioredis';
import { CLUSTER_NODES } from '../utils/redis.js';
import { waitUntil } from '../utils/wait.js';

/** One node of the test cluster, as CLUSTER NODES describes it. */
export interface ClusterNode {
  id: string;
  port: number;
  master: boolean;
  /** The master's id, for a replica. */
  masterId: string | null;
  /** Slot ranges served, for a master. */
  slots: Array<[number, number]>;
}

/** A direct (single-node) admin connection to one node of the test cluster. */
export function nodeClient(port: number): Redis {
  return new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 1 });
}

function ports(): number[] {
  if (!CLUSTER_NODES) throw new Error('these specs run under `npm run test:cluster` (REDIS_CLUSTER_NODES is not set)');
  return CLUSTER_NODES.map((node) => Number(node.split(':')[1]));
}

/** The cluster's nodes, as the node on `askPort` (default: the first that answers) sees them. */
export async function clusterNodes(askPort?: number): Promise<ClusterNode[]> {
  for (const port of askPort ? [askPort] : ports()) {
    const client = nodeClient(port);
    try {
      const text = (await client.cluster('NODES')) as string;
      return text
        .trim()
        .split('\n')
        .map((line) => {
          const [id, address, flags, masterId, , , , , ...slots] = line.split(' ');
          return {
            id,
            port: Number(address.split('@')[0].split(':')[1]),
            master: flags.includes('master'),
            masterId: masterId === '-' ? null : masterId,
            slots: slots.filter((s) => /^\d+(-\d+)?$/.test(s)).map((s) => {
              const [from, to] = s.split('-').map(Number);
              return [from, to ?? from] as [number, number];
            }),
          };
        });
    } catch {
      // ask the next node
    } finally {
      client.disconnect();
    }
  }
  throw new Error('no cluster node answered');
}

/** The hash slot of a key. */
export async function slotOf(key: string): Promise<number> {
  const client = nodeClient(ports()[0]);
  try {
    return Number(await client.cluster('KEYSLOT', key));
  } finally {
    client.disconnect();
  }
}

/** The master serving a slot now. */
export async function masterOf(slot: number): Promise<ClusterNode> {
  const nodes = await clusterNodes();
  const master = nodes.find((n) => n.master && n.slots.some(([a, b]) => slot >= a && slot <= b));
  if (!master) throw new Error(`no master serves slot ${slot}`);
  return master;
}

/** Every node agrees the cluster is ok. */
export async function waitClusterOk(): Promise<void> {
  await waitUntil(async () => {
    for (const port of ports()) {
      const client = nodeClient(port);
      try {
        if (!/cluster_state:ok/.test((await client.cluster('INFO')) as string)) return false;
      } catch {
        return false;
      } finally {
        client.disconnect();
      }
    }
    return true;
  }, 'the cluster to be ok', 30_000, 200);
}

/**
 * A manual failover of the master serving `slot`: its replica takes over
 * (CLUSTER FAILOVER on the replica, which waits for the replica to catch up
 * first, so no acknowledged write is lost). Resolves once the replica is master.
 */
export async function failOver(slot: number): Promise<{ from: number; to: number }> {
  const master = await masterOf(slot);
  const replica = (await clusterNodes()).find((n) => n.masterId === master.id);
  if (!replica) throw new Error(`master on ${master.port} has no replica`);
  const client = nodeClient(replica.port);
  try {
    await client.cluster('FAILOVER');
  } finally {
    client.disconnect();
  }
  await waitUntil(async () => (await masterOf(slot)).port === replica.port, `the replica on ${replica.port} to take slot ${slot} over`, 30_000, 100);
  await waitClusterOk();
  return { from: master.port, to: replica.port };
}

/**
 * Moves a slot, with its keys, to another master the way a resharding does:
 * IMPORTING on the target, MIGRATING on the source, the keys moved with
 * MIGRATE (all of them in one call, which the source runs atomically, then
 * again for any written meanwhile), then the slot assigned to the target on
 * every master. Clients follow the ASK and MOVED redirections on their own.
 */
export async function migrateSlot(slot: number, batch = 100_000): Promise<{ from: number; to: number; keys: number }> {
  const nodes = await clusterNodes();
  const source = await masterOf(slot);
  const target = nodes.find((n) => n.master && n.id !== source.id)!;
  const src = nodeClient(source.port);
  const dst = nodeClient(target.port);
  let moved = 0;
  try {
    await dst.cluster('SETSLOT', slot, 'IMPORTING', source.id);
    await src.cluster('SETSLOT', slot, 'MIGRATING', target.id);
    for (;;) {
      const keys = (await src.cluster('GETKEYSINSLOT', slot, batch)) as string[];
      if (keys.length === 0) break;
      await src.call('MIGRATE', '127.0.0.1', String(target.port), '', '0', '10000', 'REPLACE', 'KEYS', ...keys);
      moved += keys.length;
    }
    for (const master of nodes.filter((n) => n.master)) {
      const client = nodeClient(master.port);
      try {
        await client.cluster('SETSLOT', slot, 'NODE', target.id);
      } finally {
        client.disconnect();
      }
    }
  } finally {
    src.disconnect();
    dst.disconnect();
  }
  await waitClusterOk();
  return { from: source.port, to: target.port, keys: moved };
}
