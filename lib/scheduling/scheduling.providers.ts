import type { Provider } from '@nestjs/common';
import { RESOLVED_TASK_OPTIONS, type ResolvedTaskOptions } from '../config/resolved-options.js';
import { RedisConnections } from '../redis/redis-connections.js';
import { ScheduleHost } from './schedule-host.js';
import { ScheduleStore } from '../redis/redis-schedule-engine.js';
import { TaskScheduler } from './task-scheduler.js';

/** Providers of the recurring-schedules feature, added to TaskModule. */
export const SCHEDULING_PROVIDERS: Provider[] = [
  {
    provide: ScheduleStore,
    useFactory: (connections: RedisConnections, options: ResolvedTaskOptions) => new ScheduleStore(connections, options),
    inject: [RedisConnections, RESOLVED_TASK_OPTIONS],
  },
  TaskScheduler,
  ScheduleHost,
];
