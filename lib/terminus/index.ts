// The `nestjs-redis-tasks/terminus` entry: a health indicator for @nestjs/terminus
// (an optional peer dependency: only apps that import this entry need it).
export { TaskHealthIndicator } from './task-health.indicator.js';
export type { TaskHealthOptions, QueueHealthThresholds } from './task-health-options.js';
