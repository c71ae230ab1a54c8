// The `nestjs-redis-tasks/dashboard` entry: a web dashboard served by the app.
export { TaskDashboardModule } from './task-dashboard.module.js';
export type { TaskDashboardOptions, DashboardGuard } from './dashboard-options.js';
