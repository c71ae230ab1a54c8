import type { Redis } from 'ioredis';
import { InvalidTaskOptionsError } from '../errors/invalid-task-options.error.js';
import { infoField } from './info-fields.js';
import { dataServers, isClusterClient, type RedisClient } from './redis-client.js';
import { checkScriptAccess, type AccessCheckApp } from './script-access.js';

/** What a maxmemory policy other than noeviction can do to tasks, for the warning. */
export function evictionWarning(policy: string, where: string): string {
  return (
    `Redis at ${where} has maxmemory-policy '${policy}': when it reaches maxmemory it may evict task records, payloads or ` +
    "queue sets independently, losing tasks that enqueue acknowledged. Set maxmemory-policy to 'noeviction' (enqueue then " +
    'fails with an out-of-memory TaskStoreError instead); see docs/operations.md'
  );
}

/**
 * Looks at the server(s) once connected: a single-node connection to a
 * Cluster node is refused (only the queues whose slots that node serves would
 * work, the others failing with MOVED), so is one to a replica or to a
 * sentinel, and every maxmemory-policy other than noeviction is returned for
 * one warning each, as is a `durability.replicas` above the replicas the
 * master has now. INFO works for a least-privilege user; a server that
 * refuses it is not judged by it. An ACL rule that lacks commands the scripts
 * call (script-access.ts), or WAIT with durability, is refused either way.
 */
export async function inspectServers(
  client: RedisClient,
  target: string,
  app: AccessCheckApp & { durabilityReplicas: number | null; checkAccess: boolean; allowReplica?: boolean },
): Promise<{ policies: Array<{ where: string; policy: string }>; warnings: string[] }> {
  const { durabilityReplicas } = app;
  const policies: Array<{ where: string; policy: string }> = [];
  const warnings: string[] = [];
  let accessWarned = false;
  for (const { where, node } of dataServers(client, target)) {
    let info: string | null = null;
    try {
      info = await node.info();
    } catch {
      // A rule without +info (+@all -@dangerous, say): the checks below need no INFO.
    }
    if (info !== null) refuseWrongServer(info, client, target, app.allowReplica === true);
    if (app.checkAccess) {
      const access = await checkScriptAccess(node, where, app);
      // Once, not once per Cluster master: a Cluster's nodes are set up alike, as a rule.
      if (!accessWarned) warnings.push(...access.warnings);
      accessWarned ||= access.warnings.length > 0;
    }
    if (durabilityReplicas !== null) await checkWaitAllowed(node, where);
    if (info === null) continue;
    const policy = infoField(info, 'maxmemory_policy');
    if (policy !== null && policy !== 'noeviction') policies.push({ where, policy });
    const replicas = Number(infoField(info, 'connected_slaves') ?? NaN);
    if (durabilityReplicas !== null && replicas < durabilityReplicas) {
      warnings.push(
        `Redis at ${where} has ${replicas} connected replica(s), fewer than durability.replicas (${durabilityReplicas}): every enqueue ` +
          'will fail as not replicated until enough replicas connect; lower durability.replicas if this is the intended setup',
      );
    }
  }
  return { policies, warnings };
}

/** Refuses a server that cannot hold this app's data as connected: a sentinel, a Cluster node reached alone, a replica (unless only reading). */
function refuseWrongServer(info: string, client: RedisClient, target: string, allowReplica: boolean): void {
  // A sentinel answers INFO but knows no data commands: the first enqueue would fail with "unknown command".
  if (infoField(info, 'redis_mode') === 'sentinel') {
    throw new InvalidTaskOptionsError(
      `TaskModule options: connection: ${target} is a Redis Sentinel (redis_mode:sentinel), not a server that holds data; ` +
        "use the Sentinel shape { sentinels: [{ host, port }, ...], name: '<master name>' }, which asks the sentinels for the master " +
        '(see docs/cluster.md)',
    );
  }
  if (!isClusterClient(client) && infoField(info, 'cluster_enabled') === '1') {
    throw new InvalidTaskOptionsError(
      `TaskModule options: connection: ${target} is a Redis Cluster node (cluster_enabled:1). A single-node connection would ` +
        "reach only the queues whose slots this node serves; use the cluster shape { cluster: ['redis://host:port', ...] } " +
        '(see docs/cluster.md)',
    );
  }
  // A replica refuses every write with READONLY: the app would start, then fail at its first enqueue.
  if (!allowReplica && !isClusterClient(client) && infoField(info, 'role') === 'slave') {
    throw new InvalidTaskOptionsError(
      `TaskModule options: connection: ${target} is a replica (role:slave), which refuses writes; connect to its master, ` +
        "or through Sentinel ({ sentinels: [{ host, port }], name }), which finds the master after a failover too",
    );
  }
}

/**
 * `durability` sends WAIT after each enqueue's write: a user who may not run it
 * would have every enqueue written and then reported failed. WAIT 0 0 answers
 * at once and asks nothing of the replicas, so it only tests the permission.
 */
async function checkWaitAllowed(node: Redis, where: string): Promise<void> {
  try {
    await node.call('WAIT', 0, 0);
  } catch (error) {
    if (!(error instanceof Error) || !/^NOPERM\b/.test(error.message)) return;
    throw new InvalidTaskOptionsError(
      `TaskModule options: durability: the Redis user at ${where} may not run WAIT, which durability sends after every enqueue; ` +
        'add +wait to its ACL rule (docs/operations.md), or leave durability out',
    );
  }
}
