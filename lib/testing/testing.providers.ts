import type { Provider } from '@nestjs/common';
import type { ResolvedTestingOptions } from '../config/testing-options.js';
import { memoryEngineProviders } from '../memory/memory-engine.providers.js';
import { WAITING_TASK_HINT, type WaitingTaskHints } from '../producer/task-waiter.js';
import { SCHEDULE_FIRING } from '../scheduling/schedule-host.js';
import { InlineRunner } from './inline-runner.js';
import { TaskTester } from './task-tester.js';
import { TESTING_SETTINGS } from './testing-settings.js';
import { TestWorker } from './test-worker.js';
import { WORKER_STATUS } from '../worker/worker-status.js';

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
    { provide: WAITING_TASK_HINT, useValue: waitingHints(testing) },
    TestWorker,
    // The health check judges the test worker as it judges the worker host on Redis.
    { provide: WORKER_STATUS, useExisting: TestWorker },
    InlineRunner,
    TaskTester,
  ];
}

/** What a timed-out waitFor of a waiting task says runs tasks in this test mode (see WAITING_TASK_HINT). */
function waitingHints(testing: ResolvedTestingOptions): WaitingTaskHints {
  if (testing.moduleOptions.worker === false) {
    const none = 'with worker: false the test mode runs no task (assert what was enqueued with TaskTester.enqueued())';
    return { noWorker: none, served: none };
  }
  return {
    noWorker: "no handler of this app consumes its queue, and the test mode runs only this app's handlers (list the handler's provider in the testing module)",
    served: testing.mode === 'fake' ? "in the test mode's fake mode a task runs only when TaskTester.drain() or runNext() runs it" : null,
  };
}
