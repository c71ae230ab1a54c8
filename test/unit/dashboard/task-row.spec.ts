import { taskRow } from '../../../lib/dashboard/dashboard-views.js';
import type { TaskSummary } from '../../../lib/index.js';

const summary = (error: TaskSummary['error']): TaskSummary =>
  ({ id: 't-1', name: 'mail.send', queue: 'q', state: 'dead', priority: 0, attempts: 1, maxAttempts: 1, enqueuedAt: 1, runAt: 1, startedAt: 1, finishedAt: 2, error }) as TaskSummary;

describe('taskRow', () => {
  it("shows a row's error with its class, as the task page does, so that kinds of failure read apart", () => {
    expect(taskRow(summary({ name: 'TypeError', message: 'x is undefined' })).error).toBe('TypeError: x is undefined');
    expect(taskRow(summary({ name: 'UnrecoverableTaskError', message: 'bad input' })).error).toBe('UnrecoverableTaskError: bad input');
    // A message that already starts with its class (a ValidationPipe's "Bad Request Exception: ..." has another), and none at all.
    expect(taskRow(summary({ name: 'Error', message: 'Error: twice' })).error).toBe('Error: twice');
    expect(taskRow(summary({ message: 'handler threw a non-Error value: 42' })).error).toBe('handler threw a non-Error value: 42');
    expect(taskRow(summary(null)).error).toBeNull();
  });
});
