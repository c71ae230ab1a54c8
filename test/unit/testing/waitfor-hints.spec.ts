import { Injectable } from '@nestjs/common';
import { TaskHandler, WaitForTimeoutError } from '../../../lib/index.js';
import { startTestingApp, type TestingApp } from '../../fixtures/testing-app.js';

// A waitFor that times out in the test mode on a task still waiting says what runs tasks there: a test that
// forgot fake mode's drain() (or set worker: false) is told why rather than only "the task is waiting".

@Injectable()
class HintTasks {
  @TaskHandler('hint.run')
  run() {
    return 'ran';
  }
}

async function timeoutOf(t: TestingApp, name: string, id?: string): Promise<string> {
  const ref = await t.queue.enqueue(name, null, { id });
  const error = await t.queue.waitFor(ref, { timeout: 50 }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(WaitForTimeoutError);
  return (error as Error).message;
}

describe('waitFor timeouts in the test mode', () => {
  let t: TestingApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it("in fake mode, names drain() and runNext(); after a drain the same wait resolves", async () => {
    t = await startTestingApp([HintTasks], { mode: 'fake' });
    expect(await timeoutOf(t, 'hint.run', 'h1')).toContain(
      "the task is waiting: in the test mode's fake mode a task runs only when TaskTester.drain() or runNext() runs it",
    );
    await t.tester.drain();
    expect(await t.queue.waitFor('h1', { timeout: 50 })).toBe('ran');
  });

  it('with worker: false, says that nothing runs and how to assert instead', async () => {
    t = await startTestingApp([HintTasks], { mode: 'inline', worker: false });
    expect(await timeoutOf(t, 'hint.run')).toContain(
      'the task is waiting: with worker: false the test mode runs no task (assert what was enqueued with TaskTester.enqueued())',
    );
  });

  it("says the app has no handler for the task's queue when no worker is listed at all, whatever the mode", async () => {
    t = await startTestingApp([], { mode: 'fake' });
    expect(await timeoutOf(t, 'hint.run')).toContain(
      "the task is waiting: no handler of this app consumes its queue, and the test mode runs only this app's handlers",
    );
  });

  it("names this app's worker.queues when it leaves the task's queue out", async () => {
    @Injectable()
    class VideoTasks {
      @TaskHandler('render', { queue: 'video' })
      render() {}
    }
    t = await startTestingApp([HintTasks, VideoTasks], { mode: 'fake', worker: { queues: ['video'] } });
    expect(await timeoutOf(t, 'hint.run')).toContain(
      "the task is waiting, and no live worker serves queue 'default' (this app's handlers consume it, but its worker.queues leaves it out)",
    );
  });

  it('names the more particular reason first: no handler for the name', async () => {
    t = await startTestingApp([HintTasks], { mode: 'fake' });
    const message = await timeoutOf(t, 'hint.other');
    expect(message).toContain("the task is waiting, and no live worker of queue 'default' has a handler for 'hint.other'");
    expect(message).not.toContain('fake mode');
  });
});
