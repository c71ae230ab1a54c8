import type { TaskTestingMode } from '../config/testing-options.js';

/** Injection token of the test mode's settings. */
export const TESTING_SETTINGS = Symbol.for('nestjs-redis-tasks:testing-settings');

/** How this app's test mode runs: set by TaskModule.forTesting. */
export interface TestingSettings {
  mode: TaskTestingMode;
  timers: 'virtual' | 'real';
}
