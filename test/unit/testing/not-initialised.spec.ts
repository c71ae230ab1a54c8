import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TaskHandler, TaskModule, TaskQueue } from '../../../lib/index.js';
import { TaskTester } from '../../../lib/testing/index.js';

@Injectable()
class MailTasks {
  @TaskHandler('mail.send')
  send() {
    return 'sent';
  }
}

// A testing module that was compiled but never initialised (as a generated
// spec often is) knows no handler yet: a drain there ran nothing and said
// nothing. It now says what to call.

describe('the test mode before init()', () => {
  it('refuses to run tasks, naming init(), and runs them once initialised', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [TaskModule.forTesting({ mode: 'fake' })], providers: [MailTasks] }).compile();
    moduleRef.useLogger(false);
    const tester = moduleRef.get(TaskTester);
    const ref = await moduleRef.get(TaskQueue).enqueue('mail.send', null);
    const message = /^TaskTester\.(drain|runNext): the app is not initialised, so its handlers are not known yet: call init\(\) on the compiled testing module/;
    await expect(tester.drain()).rejects.toThrow(message);
    await expect(tester.runNext()).rejects.toThrow(message);
    await moduleRef.init();
    try {
      expect(await tester.drain()).toMatchObject({ attempts: 1 });
      expect(await moduleRef.get(TaskQueue).get(ref)).toMatchObject({ state: 'completed', result: 'sent' });
    } finally {
      await moduleRef.close();
    }
  });
});
