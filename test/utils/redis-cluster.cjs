// A local Redis Cluster for `npm run test:cluster`: 3 masters and 3 replicas,
// redis-server --cluster-enabled on free loopback ports, joined with
// `redis-cli --cluster create`. Plain CommonJS, for jest's global hooks.
// Only the processes started here are stopped, by their own pids, also when
// the run is interrupted (exit, SIGINT, SIGTERM).
const { execFile, spawn } = require('node:child_process');
const { mkdirSync, mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { promisify } = require('node:util');
const { Redis } = require('ioredis');
const { freePort } = require('./test-redis.cjs');

const run = promisify(execFile);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** INFO cluster of one node, or '' when it does not answer. */
async function clusterInfo(port) {
  const client = new Redis(port, '127.0.0.1', { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await client.cluster('INFO');
  } catch {
    return '';
  } finally {
    client.disconnect();
  }
}

/**
 * Starts `masters` masters with `replicasPerMaster` replicas each; resolves with
 * { ports, nodes: 'h:p,h:p,...', stop() } once every node says cluster_state:ok.
 */
async function startCluster({ masters = 3, replicasPerMaster = 1 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'redis-tasks-cluster-'));
  const count = masters * (1 + replicasPerMaster);
  const ports = [];
  const children = [];
  let stopped = false;
  const kill = () => {
    if (stopped) return;
    stopped = true;
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  const onSignal = (signal) => {
    kill();
    process.kill(process.pid, signal);
  };
  process.once('exit', kill);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    for (let i = 0; i < count; i++) {
      const port = await freePort();
      const nodeDir = join(dir, String(port));
      mkdirSync(nodeDir);
      const args = [
        '--port', String(port), '--bind', '127.0.0.1', '--dir', nodeDir, '--cluster-enabled', 'yes',
        '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000', '--save', '', '--appendonly', 'no',
        '--logfile', join(nodeDir, 'redis.log'),
      ];
      const child = spawn('redis-server', args, { stdio: 'ignore' });
      child.unref();
      children.push(child);
      ports.push(port);
    }
    for (const port of ports) {
      const deadline = Date.now() + 10_000;
      while ((await clusterInfo(port)) === '') {
        if (Date.now() > deadline) throw new Error(`cluster node on port ${port} did not start`);
        await sleep(50);
      }
    }
    await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', String(replicasPerMaster), '--cluster-yes']);
    const deadline = Date.now() + 30_000;
    for (const port of ports) {
      while (!/cluster_state:ok/.test(await clusterInfo(port))) {
        if (Date.now() > deadline) throw new Error(`cluster did not reach cluster_state:ok on port ${port}`);
        await sleep(100);
      }
    }
  } catch (error) {
    kill();
    throw error;
  }
  return {
    ports,
    pids: children.map((c) => c.pid),
    nodes: ports.map((p) => `127.0.0.1:${p}`).join(','),
    async stop() {
      process.removeListener('exit', kill);
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      const exits = children.filter((c) => c.exitCode === null && c.signalCode === null).map((c) => new Promise((r) => c.once('exit', r)));
      kill();
      await Promise.all(exits);
    },
  };
}

module.exports = { startCluster };
