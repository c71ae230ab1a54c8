import type { TaskInfo } from '../interfaces/task-info.interface.js';

// What list(state, { values: false }) gives on every engine: the task as
// stored, its payload, result and progress left out (not set to undefined).

/**
 * The task without its values, typed as the port's TaskInfo (TaskQueue.list's
 * overload narrows it to TaskSummary for the caller).
 */
export function withoutValues(info: TaskInfo): TaskInfo {
  const { payload: _payload, result: _result, progress: _progress, ...summary } = info;
  return summary as TaskInfo;
}
