import type { Provider } from '@nestjs/common';
import type { ResolvedTestingOptions } from '../config/testing-options.js';
import { memoryEngineProviders } from '../memory/memory-engine.providers.js';
import { WAITING_TASK_HINT } from '../producer/task-waiter.js';
import { SCHEDULE_FIRING } from '../scheduling/schedule-host.js';
import { InlineRunner } from './inline-runner.js';
import { TaskTester } from './task-tester.js';
import { TESTING_SETTINGS } from './testing-settings.js';
import { TestWorker } from './test-worker.js';

/**
 * What TaskModule.forTesting adds in place of the Redis adapter and the
 * worker host: the in-memory engine, the test worker, the inline runner and
 * TaskTester. Schedules fire by themselves only in inline mode on real
 * timers; otherwise TaskTester.fireSchedule fires them.
 */
export function testingProviders(testing: ResolvedTestingOptions): Provider[] {
  return [
    ...memoryEngineProviders(testing.timers),
    { provide: TESTING_SETTINGS, useValue: { mode: testing.mode, timers: testing.timers } },
    { provide: SCHEDULE_FIRING, useValue: testing.mode === 'inline' && testing.timers === 'real' },
    { provide: WAITING_TASK_HINT, useValue: waitingHint(testing) },
    TestWorker,
    InlineRunner,
    TaskTester,
  ];
}

/** What a timed-out waitFor of a waiting task says runs tasks in this test mode (see WAITING_TASK_HINT). */
function waitingHint(testing: ResolvedTestingOptions): string | null {
  if (testing.moduleOptions.worker === false) return 'with worker: false the test mode runs no task (assert what was enqueued with TaskTester.enqueued())';
  if (testing.mode === 'fake') return "in the test mode's fake mode a task runs only when TaskTester.drain() or runNext() runs it";
  return null;
}
