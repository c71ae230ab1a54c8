import { DeadTaskWarnings } from '../../../lib/worker/dead-task-warnings.js';

describe('DeadTaskWarnings', () => {
  const task = (id: string, name = 'mail.send') => ({ id, name, attempt: 3, maxAttempts: 3 });

  it('names the task, its attempts and the error, once per task name per minute, counting the rest', () => {
    const lines: string[] = [];
    const warnings = new DeadTaskWarnings('q', { warn: (line: string) => lines.push(line) });
    warnings.warn(task('t1'), { name: 'Error', message: 'database is down' }, 0);
    warnings.warn(task('t2'), { name: 'Error', message: 'database is down' }, 1_000);
    warnings.warn(task('t3', 'audit'), { message: 'handler threw a non-Error value: "x"' }, 2_000);
    warnings.warn(task('t4'), { name: 'Error', message: 'database is down' }, 61_000);
    expect(lines).toEqual([
      "queue 'q': task t1 (mail.send) is dead after attempt 3 of 3: Error: database is down",
      "queue 'q': task t3 (audit) is dead after attempt 3 of 3: handler threw a non-Error value: \"x\"",
      "queue 'q': task t4 (mail.send) is dead after attempt 3 of 3: Error: database is down (and 1 more mail.send task(s) since the last warning)",
    ]);
  });

  it('quotes the first line of a message, cut to 300 characters, and no name twice', () => {
    const lines: string[] = [];
    const warnings = new DeadTaskWarnings('q', { warn: (line: string) => lines.push(line) });
    warnings.warn(task('t1'), { name: 'TaskTimeoutError', message: `TaskTimeoutError: ${'x'.repeat(400)}\nsecond line` }, 0);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe(`queue 'q': task t1 (mail.send) is dead after attempt 3 of 3: TaskTimeoutError: ${'x'.repeat(282)}...`);
  });
});
