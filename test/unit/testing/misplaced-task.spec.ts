import { Injectable } from '@nestjs/common';
import { TaskHandler } from '../../../lib/index.js';
import { startTestingApp, type TestingApp } from '../../fixtures/testing-app.js';

// As on Redis (test/e2e/misplaced-task.spec.ts): a task put on another queue
// than the one its handler consumes is not run by it there.

@Injectable()
class MailTasks {
  readonly ran: string[] = [];

  @TaskHandler('mail.send', { queue: 'emails' })
  send() {
    this.ran.push('mail.send');
  }

  @TaskHandler('audit')
  audit() {
    this.ran.push('audit');
  }
}

describe('the test mode, for a task in another queue than its handler consumes', () => {
  let t: TestingApp;
  afterEach(async () => {
    await t.close();
  });

  it('ends it dead without running it, naming the queue its handler consumes', async () => {
    t = await startTestingApp([MailTasks], { mode: 'fake' });
    const ref = await t.queue.enqueue('mail.send', {}, { queue: 'default' });
    await t.tester.drain();
    expect(t.get(MailTasks).ran).toEqual([]);
    expect(await t.queue.get(ref)).toMatchObject({
      state: 'dead',
      error: { message: expect.stringMatching(/^no handler for mail\.send in queue 'default': this app's handler for it \(MailTasks\.send\) consumes queue 'emails'/) },
    });
  });
});
