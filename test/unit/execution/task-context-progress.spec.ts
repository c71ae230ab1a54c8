import { Injectable } from '@nestjs/common';
import { TaskContext, TaskHandler } from '../../../lib/index.js';
import { startTestingApp } from '../../fixtures/testing-app.js';

// progress() takes a finite number or a JSON object. NaN and Infinity would be
// stored as null by JSON, an array is no object here, and a BigInt cannot be
// written: each is refused, naming the task, and the progress stays as it was.

@Injectable()
class ProgressTasks {
  readonly refusals: string[] = [];

  @TaskHandler('report.build')
  async build(_payload: unknown, task: TaskContext) {
    await task.progress({ done: 1, of: 4 });
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, [1, 2], 'half', 10n, { n: 10n }]) {
      await task.progress(bad as never).then(
        () => this.refusals.push('accepted'),
        (error: Error) => this.refusals.push(error.message),
      );
    }
    return 'built';
  }
}

describe('TaskContext.progress', () => {
  it('refuses what JSON would change or cannot write, naming the task and keeping the last progress', async () => {
    const t = await startTestingApp([ProgressTasks], { mode: 'fake' });
    try {
      const ref = await t.queue.enqueue('report.build', null);
      await t.tester.drain();
      expect(t.get(ProgressTasks).refusals).toEqual([
        'task report.build: progress must be a finite number or a JSON object, got NaN',
        'task report.build: progress must be a finite number or a JSON object, got Infinity',
        'task report.build: progress must be a finite number or a JSON object, got [object Array]',
        'task report.build: progress must be a finite number or a JSON object, got "half"',
        'task report.build: progress must be a finite number or a JSON object, got 10n',
        'task report.build: progress must be JSON (Do not know how to serialize a BigInt)',
      ]);
      expect(await t.queue.get(ref)).toMatchObject({ state: 'completed', progress: { done: 1, of: 4 } });
    } finally {
      await t.close();
    }
  });
});
