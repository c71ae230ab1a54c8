// Global setup of `npm run test:cluster`: a local 3-master, 3-replica Redis
// Cluster, handed to the specs through REDIS_CLUSTER_NODES (read by
// test/utils/redis.ts), then the embedded Lua.
const embedLua = require('./global-setup.cjs');
const { startCluster } = require('./redis-cluster.cjs');

module.exports = async () => {
  const cluster = await startCluster({ masters: 3, replicasPerMaster: 1 });
  globalThis[Symbol.for('nestjs-redis-tasks.test-cluster')] = cluster;
  process.env.REDIS_CLUSTER_NODES = cluster.nodes;
  process.stderr.write(`\nstarted a Redis Cluster for this run: ${cluster.nodes} (pids ${cluster.pids.join(', ')})\n`);
  await embedLua();
};
