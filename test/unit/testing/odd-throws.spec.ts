import { Injectable } from '@nestjs/common';
import { TaskHandler } from '../../../lib/index.js';
import { startTestingApp, type TestingApp } from '../../fixtures/testing-app.js';

// The test mode records an Error whose message is not text as Redis does: as
// text. drain() threw "text.slice is not a function" and left the task active.
@Injectable()
class OddThrows {
  @TaskHandler('odd.numeric-message', { attempts: 1 })
  numeric(): never {
    throw Object.assign(new Error(), { message: 404 });
  }

  @TaskHandler('odd.array-message', { attempts: 1 })
  array(): never {
    throw Object.assign(new Error(), { message: ['a', 'b'] });
  }
}

describe('the test mode, for a handler that throws an Error whose message is not text', () => {
  let t: TestingApp;
  beforeEach(async () => {
    t = await startTestingApp([OddThrows], { mode: 'fake' });
  });
  afterEach(async () => {
    await t.close();
  });

  it.each([
    ['odd.numeric-message', '404'],
    ['odd.array-message', '["a","b"]'],
  ])('%s ends dead with the message as text', async (name, message) => {
    const ref = await t.queue.enqueue(name, {});
    await t.tester.drain();
    expect(await t.queue.get(ref)).toMatchObject({ state: 'dead', error: { message } });
  });
});
