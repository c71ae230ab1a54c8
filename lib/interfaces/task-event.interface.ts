import type { TaskErrorInfo, TaskProgress } from './task-info.interface.js';

/** What happened to a task. */
export type TaskEventType = 'enqueued' | 'started' | 'progress' | 'completed' | 'retrying' | 'dead';

/** One entry of a queue's event stream, as seen from any process. */
export interface TaskEvent<R = unknown> {
  type: TaskEventType;
  /** The task's id. */
  id: string;
  name: string;
  queue: string;
  /** When it happened: epoch ms, Redis time. */
  at: number;
  /** This event's id: the stream entry's (`<ms>-<seq>`), with `/<k>` for an event that shares its entry with later ones; pass it as `from` to resume after this event. */
  eventId: string;
  /** For started, progress, completed, retrying and dead: the attempt concerned. */
  attempt?: number;
  /** For completed: what the handler returned. */
  result?: R;
  /** For retrying and dead: the failure. */
  error?: TaskErrorInfo;
  /** For progress: the reported value. */
  progress?: TaskProgress;
}

/** Options of `TaskQueue.events`. */
export interface TaskEventsOptions {
  /** Queue to follow (default `'default'`). */
  queue?: string;
  /** Resume after this event id (from a previous event's `eventId`); default: only new events. `'0'` replays what the stream still holds. */
  from?: string;
}
