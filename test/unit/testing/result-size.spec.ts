import { Injectable } from '@nestjs/common';
import { TaskHandler } from '../../../lib/index.js';
import { startTestingApp, type TestingApp } from '../../fixtures/testing-app.js';

@Injectable()
class Reports {
  @TaskHandler('report.build')
  build(payload: { size: number }) {
    return 'x'.repeat(payload.size);
  }
}

// The test mode applies maxResultBytes as Redis does, so a test meets the limit before production.
describe('the test mode, for a result over maxResultBytes', () => {
  let t: TestingApp;
  beforeEach(async () => {
    t = await startTestingApp([Reports], { mode: 'fake', maxResultBytes: 100 });
  });
  afterEach(async () => {
    await t.close();
  });

  it('fails the task for good, as the Redis worker does, and keeps a result within it', async () => {
    const over = await t.queue.enqueue('report.build', { size: 99 });
    const within = await t.queue.enqueue('report.build', { size: 98 });
    await t.tester.drain();
    expect(await t.queue.get(over)).toMatchObject({ state: 'dead', attempts: 1, error: { message: expect.stringMatching(/^handler returned a result of 101 bytes encoded, over the limit of 100 \(maxResultBytes\)/) } });
    expect(await t.queue.get(within)).toMatchObject({ state: 'completed', result: 'x'.repeat(98) });
  });
});
