// The API's JSON, as the server declares it.
export type { ListOrder, OverviewView, QueuePageView, TaskPageView, ScheduleView, SchedulesPageView, TaskRow, WorkerView, QueueView } from '../lib/dashboard/dashboard-views.js';
export type { ThroughputPoint } from '../lib/interfaces/task-insight.interface.js';
