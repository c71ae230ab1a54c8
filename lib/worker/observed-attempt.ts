import type { RegisteredHandler } from '../discovery/task-handler.registry.js';
import type { AttemptOutcome, FetchedTask } from '../engine/attempt.js';
import type { TaskEngine } from '../engine/task-engine.js';
import type { AttemptState } from '../execution/attempt-state.js';
import type { TaskTelemetry } from '../telemetry/task-telemetry.js';
import { traced } from '../telemetry/untraced.js';
import { executeAttempt } from './attempt-executor.js';
import { AttemptIo } from './attempt-io.js';
import type { RunOutcome } from './task-runner.js';
import type { WorkerEvents } from './worker-events.js';

/** What every attempt of one worker runs with. */
export interface AttemptSurroundings {
  engine: TaskEngine;
  events: WorkerEvents;
  telemetry: TaskTelemetry;
  /** Lines kept per task log. */
  logMaxLines: number;
  /** Largest encoded result stored (maxResultBytes). */
  maxResultBytes: number;
}

/**
 * Runs one attempt the way every worker runs it (the Redis worker's
 * consumers and the test mode's worker): inside its span when tracing is on
 * (so the handler's own spans are its children), with its metrics, and the
 * worker events around it. `record` queues or stores the outcome and returns
 * what was recorded (null: discarded, the lease was lost); it runs before the
 * span ends. Resolves with how long the attempt took, in ms.
 */
export function runObservedAttempt(
  s: AttemptSurroundings,
  queue: string,
  task: FetchedTask,
  handler: RegisteredHandler | undefined,
  state: AttemptState,
  record: (run: RunOutcome, outcome: AttemptOutcome) => AttemptOutcome | null | Promise<AttemptOutcome | null>,
): Promise<number> {
  // Both null without @opentelemetry/api; span null while no tracing SDK is registered.
  const { tracing, metrics } = s.telemetry;
  const started = Date.now();
  const span = tracing === null ? null : tracing.startAttempt(queue, task);
  if (metrics !== null) metrics.started(queue, task.name, task.waitedMs);
  const io = new AttemptIo(s.engine, queue, task, s.logMaxLines, s.events);
  let spanEnded = false;
  const finish = (recorded: AttemptOutcome | null): number => {
    const ms = Date.now() - started;
    if (span !== null && !spanEnded) tracing!.endAttempt(span, recorded);
    if (metrics !== null && recorded !== null) metrics.ended(queue, task.name, recorded, ms);
    return ms;
  };
  if (span !== null) {
    // Given up (a shutdown's hand-back, a lost lease): the span ends now, as abandoned. A handler that
    // ignores its signal may never end, and its attempt would otherwise never show in a trace.
    state.onAbandon = () => {
      spanEnded = true;
      tracing!.endAttempt(span, null);
    };
  }
  // Chained rather than awaited: every task goes through here, and each await
  // is a promise and a microtask more per task (the Redis worker's record is synchronous).
  // Out of the worker loop's untraced context: the handler's own Redis and HTTP calls are the app's.
  const executing =
    span === null ? traced(() => executeAttempt(queue, task, handler, state, io, s.events, s.maxResultBytes)) : tracing!.within(span, () => executeAttempt(queue, task, handler, state, io, s.events, s.maxResultBytes));
  return executing.then(({ run, outcome }) => {
    const recorded = record(run, outcome);
    return recorded instanceof Promise ? recorded.then(finish) : finish(recorded);
  });
}
