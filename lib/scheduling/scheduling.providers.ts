import type { Provider } from '@nestjs/common';
import { ScheduleHost } from './schedule-host.js';
import { TaskScheduler } from './task-scheduler.js';

/** Providers of the recurring-schedules feature, added to TaskModule. */
export const SCHEDULING_PROVIDERS: Provider[] = [TaskScheduler, ScheduleHost];
