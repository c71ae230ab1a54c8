import { resolveTaskOptions } from '../../lib/config/options.resolver.js';
import { RedisConnections } from '../../lib/redis/redis-connections.js';
import { RedisScheduleEngine } from '../../lib/redis/redis-schedule-engine.js';
import { RedisTaskEngine } from '../../lib/redis/redis-task-engine.js';
import { describeEngineContract } from '../contract/engine-contract.js';
import { sleep } from '../utils/wait.js';
import { TEST_CONNECTION, removePrefix, uniquePrefix } from '../utils/redis.js';

// The engine contract against a real Redis, through the adapter alone: no Nest app.
describeEngineContract('Redis', async (settings) => {
  const prefix = uniquePrefix('contract');
  const options = resolveTaskOptions({ connection: TEST_CONNECTION, prefix, ...settings });
  const connections = new RedisConnections(options);
  await connections.onApplicationBootstrap();
  return {
    tasks: new RedisTaskEngine(connections, options),
    schedules: new RedisScheduleEngine(connections, options),
    elapse: sleep,
    close: async () => {
      await connections.onApplicationShutdown();
      await removePrefix(prefix);
    },
  };
});
