import type { TaskCounts } from '../../interfaces/task-info.interface.js';
import { TASK_STATES } from '../../interfaces/task-state.js';
import type { Column } from '../text-table.js';

/** The columns of a queue's counts: one per state, in the order of a task's life, then whether it is paused. */
export const countColumns: readonly Column[] = [...TASK_STATES.map((state) => ({ header: state.toUpperCase(), right: true })), { header: 'PAUSED' }];

/** A queue's counts as table cells, in the order of countColumns. */
export function countCells(counts: TaskCounts): string[] {
  return [...TASK_STATES.map((state) => String(counts[state])), counts.paused ? 'yes' : 'no'];
}
