// Public exports of the recurring-schedules feature.
export type { ScheduleInfo, ScheduleOptions, ScheduleTiming, HandlerScheduleOptions } from '../interfaces/schedule.interface.js';
