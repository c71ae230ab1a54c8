// Global teardown of the e2e project: stops the private redis-server if the setup started one.
const { stopTestRedis } = require('./test-redis.cjs');

module.exports = stopTestRedis;
