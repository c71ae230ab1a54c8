import type { Provider } from '@nestjs/common';
import { RESOLVED_TASK_OPTIONS, type ResolvedTaskOptions } from '../config/resolved-options.js';
import { SCHEDULE_ENGINE, TASK_ENGINE } from '../engine/engine.tokens.js';
import { RedisConnections } from './redis-connections.js';
import { RedisScheduleEngine } from './redis-schedule-engine.js';
import { RedisTaskEngine } from './redis-task-engine.js';

/** The Redis adapter as TaskModule wires it: the connections' owner and the engines of the port. */
export const REDIS_ENGINE_PROVIDERS: Provider[] = [
  RedisConnections,
  {
    provide: TASK_ENGINE,
    useFactory: (connections: RedisConnections, options: ResolvedTaskOptions) => new RedisTaskEngine(connections, options),
    inject: [RedisConnections, RESOLVED_TASK_OPTIONS],
  },
  {
    provide: SCHEDULE_ENGINE,
    useFactory: (connections: RedisConnections, options: ResolvedTaskOptions) => new RedisScheduleEngine(connections, options),
    inject: [RedisConnections, RESOLVED_TASK_OPTIONS],
  },
];
