import type { RegisteredHandler } from '../discovery/task-handler.registry.js';
import type { AttemptOutcome, FetchedTask } from '../engine/attempt.js';
import type { AttemptState } from '../execution/attempt-state.js';
import type { TaskContextIo } from '../execution/task-context.js';
import type { WorkerTaskFields } from '../interfaces/worker-event.interface.js';
import { attemptOutcome } from './attempt-outcome.js';
import { runAttempt, type RunOutcome } from './task-runner.js';
import type { WorkerEvents } from './worker-events.js';

/** The fields every attempt event of `task` carries. */
export function workerTaskFields(queue: string, task: FetchedTask): WorkerTaskFields {
  return { queue, id: task.id, name: task.name, attempt: task.attempt, maxAttempts: task.maxAttempts, payload: task.payload, enqueuedAt: task.enqueuedAt };
}

/**
 * Runs one attempt with the worker events around it, in order: 'active'
 * before the pipeline starts, then 'completed' or 'failed' (with whether the
 * task will retry) once it ends, before the store records it; neither when
 * the worker gave the attempt up meanwhile (AttemptState.abandoned). Used by every
 * worker: the Redis worker's consumers and the test mode's runner.
 */
export function executeAttempt(
  queue: string,
  task: FetchedTask,
  handler: RegisteredHandler | undefined,
  state: AttemptState,
  io: TaskContextIo,
  events: WorkerEvents,
  maxResultBytes: number,
): Promise<{ run: RunOutcome; outcome: AttemptOutcome }> {
  const started = Date.now();
  if (events.wants('active')) events.emit({ type: 'active', ...workerTaskFields(queue, task) });
  return runAttempt(queue, task, handler, state, io, maxResultBytes).then((run) => {
    const outcome = attemptOutcome(task, run);
    // Given up (handed back, lease lost): the task runs again, so this run is neither a completion nor a failure.
    if (state.abandoned) return { run, outcome };
    if (run.kind === 'completed') {
      if (events.wants('completed')) events.emit({ type: 'completed', ...workerTaskFields(queue, task), result: run.result, durationMs: Date.now() - started });
    } else if (events.wants('failed')) {
      const retryDelayMs = outcome.kind === 'limited' ? outcome.delayMs : outcome.kind === 'failed' && outcome.then.action === 'retry' ? outcome.then.delayMs : null;
      events.emit({
        type: 'failed', ...workerTaskFields(queue, task), error: run.error, thrown: run.thrown, willRetry: retryDelayMs !== null, retryDelayMs,
        durationMs: Date.now() - started,
      });
    }
    return { run, outcome };
  });
}
