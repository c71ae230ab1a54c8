// Global teardown of `npm run test:cluster`: stops the cluster the setup started (its own pids only).
module.exports = async () => {
  const key = Symbol.for('nestjs-redis-tasks.test-cluster');
  const cluster = globalThis[key];
  delete globalThis[key];
  await cluster?.stop();
};
