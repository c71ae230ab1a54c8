/** One line of a task's log, as `TaskContext.log` wrote it. */
export interface TaskLogLine {
  /** When it was written: epoch ms, Redis time. */
  at: number;
  message: string;
}
