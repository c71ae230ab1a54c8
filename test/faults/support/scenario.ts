import type { Redis } from 'ioredis';
import { QueueKeys } from '../../../lib/redis/queue-keys.js';
import { assertBuilt } from '../../fixtures/child-processes.js';
import type { TaskApp } from '../../fixtures/task-app.js';
import { uniquePrefix } from '../../utils/redis.js';
import { dumpLogs, killAll, type FaultChild } from './children.js';
import { faultRedis, type FaultRedis, type FaultRedisOptions } from './fault-redis.js';
import { LeaseWatch } from './lease-watch.js';
import { producerApp } from './producer.js';

/** What a scenario with worker and producer child processes works with; everything in it is cleaned up after the scenario. */
export interface FaultScenario {
  /** The scenario's own key prefix. */
  prefix: string;
  /** Keys of the prefix's 'default' queue. */
  keys: QueueKeys;
  /** Every child process the scenario starts goes here: their logs are dumped (FAULT_DEBUG=1) and they are killed after it. */
  children: FaultChild[];
  /** The scenario's own redis-server, started in beforeAll (reading it earlier throws). */
  readonly redis: FaultRedis;
  /** Starts the producer app of the test process on the scenario's Redis; closed after the scenario. */
  startProducer(): Promise<TaskApp>;
  /** Starts sampling the active set for tasks past their lease; stopped first after the scenario. */
  watchLeases(admin: Redis): LeaseWatch;
}

/**
 * Declares a fault scenario's beforeAll and afterAll: its own redis-server
 * (started, after checking that dist/ is built for the children), and after
 * it, in this order: stop the lease watch, dump the children's logs, kill the
 * children, close the producer app, destroy the redis-server.
 */
export function useFaultScenario(label: string, options: FaultRedisOptions = {}): FaultScenario {
  const prefix = uniquePrefix(label);
  const children: FaultChild[] = [];
  let redis: FaultRedis | undefined;
  let producer: TaskApp | undefined;
  let watch: LeaseWatch | undefined;

  beforeAll(async () => {
    assertBuilt();
    redis = await faultRedis(options);
    await redis.start();
  });

  afterAll(async () => {
    await watch?.stop();
    dumpLogs(children);
    await killAll(children);
    await producer?.close();
    await redis?.destroy();
  });

  const keys = new QueueKeys(prefix, 'default');
  const server = (): FaultRedis => {
    if (!redis) throw new Error('the fault redis-server starts in beforeAll: use it from a hook or a test');
    return redis;
  };
  return {
    prefix,
    keys,
    children,
    get redis() {
      return server();
    },
    async startProducer() {
      if (producer) throw new Error('this scenario already started its producer app');
      producer = await producerApp(server().url, prefix);
      return producer;
    },
    watchLeases(admin) {
      if (watch) throw new Error('this scenario already watches its leases');
      watch = new LeaseWatch(admin, keys).start();
      return watch;
    },
  };
}
