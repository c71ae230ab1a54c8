// The public API of the test mode, imported from 'nestjs-redis-tasks/testing'.
// TaskModule.forTesting itself is on TaskModule, in the main entry.
export { TaskTester, type DrainOptions, type DrainReport, type TesterDrainOptions } from './task-tester.js';
export type { EnqueuedTask, EnqueuedTaskOptions } from './enqueued-task.js';
export type { TaskTestingOptions, TaskTestingMode } from '../config/testing-options.js';
