// Global setup of the e2e project: a Redis that answers (REDIS_URL's, or a
// private one for the run), then the embedded Lua, as for every project.
const embedLua = require('./global-setup.cjs');
const { ensureTestRedis } = require('./test-redis.cjs');

module.exports = async () => {
  await ensureTestRedis();
  await embedLua();
};
