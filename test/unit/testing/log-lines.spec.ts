import { Injectable } from '@nestjs/common';
import { TaskContext, TaskHandler } from '../../../lib/index.js';
import { startTestingApp, type TestingApp } from '../../fixtures/testing-app.js';

@Injectable()
class Reports {
  @TaskHandler('report.odd-text')
  async oddText(_payload: unknown, task: TaskContext) {
    await task.log(`${'x'.repeat(8_191)}😀 and more`);
    await task.log('lone \uD800 surrogate');
  }
}

// The test mode keeps log lines as Redis does (task-logs.spec reads the same from Redis):
// it kept a lone surrogate, and a cut could split an emoji, so a test could pass that fails in production.
describe('the test mode, for log lines Redis cannot store as written', () => {
  let t: TestingApp;
  beforeEach(async () => {
    t = await startTestingApp([Reports], { mode: 'inline' });
  });
  afterEach(async () => {
    await t.close();
  });

  it('reads back what Redis does', async () => {
    const ref = await t.queue.enqueue('report.odd-text', {});
    await t.queue.waitFor(ref, { timeout: 5_000 });
    expect((await t.queue.logs(ref))!.map((l) => l.message)).toEqual([`${'x'.repeat(8_191)}…`, 'lone \uFFFD surrogate']);
  });
});
