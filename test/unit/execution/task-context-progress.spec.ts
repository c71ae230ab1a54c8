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

// A progress is at most 64 KiB of JSON, counted in UTF-8 bytes as Redis stores
// it: each report is also an event, and the stream keeps thousands of them.
@Injectable()
class SizedProgress {
  readonly outcomes: string[] = [];

  @TaskHandler('report.sized')
  async sized(_payload: unknown, task: TaskContext) {
    // {"s":"…"} is 8 characters around the text.
    for (const text of ['x'.repeat(65_536 - 8), 'x'.repeat(65_536 - 7), '\u00e9'.repeat(32_765)]) {
      await task.progress({ s: text }).then(
        () => this.outcomes.push(`accepted ${text.length}`),
        (error: Error) => this.outcomes.push(`${error.name}: ${error.message}`),
      );
    }
  }
}

describe('TaskContext.progress', () => {
  it('takes up to 65,536 bytes of JSON and refuses more, counting UTF-8 bytes, keeping the last progress', async () => {
    const t = await startTestingApp([SizedProgress], { mode: 'fake' });
    try {
      const ref = await t.queue.enqueue('report.sized', null);
      await t.tester.drain();
      const over = (bytes: string) =>
        `RangeError: task report.sized: progress is ${bytes} bytes of JSON, over the 65,536 allowed (each report is also an event in ` +
        'the stream): report a status here, such as a count or a stage, and return the data as the result';
      expect(t.get(SizedProgress).outcomes).toEqual(['accepted 65528', over('65,537'), over('65,538')]);
      const info = await t.queue.get(ref);
      expect(info).toMatchObject({ state: 'completed' });
      expect((info?.progress as { s: string }).s).toHaveLength(65_528);
    } finally {
      await t.close();
    }
  });

  it('refuses what JSON would change or cannot write, naming the task and keeping the last progress', async () => {
    const t = await startTestingApp([ProgressTasks], { mode: 'fake' });
    try {
      const ref = await t.queue.enqueue('report.build', null);
      await t.tester.drain();
      expect(t.get(ProgressTasks).refusals).toEqual([
        'task report.build: progress must be a finite number or a JSON object, got NaN',
        'task report.build: progress must be a finite number or a JSON object, got Infinity',
        'task report.build: progress must be a finite number or a JSON object, got an array',
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
