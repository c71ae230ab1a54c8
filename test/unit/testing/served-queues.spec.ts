import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { InvalidTaskOptionsError, TaskHandler, TaskModule } from '../../../lib/index.js';
import { startTestingApp } from '../../fixtures/testing-app.js';

// worker.queues in the test mode: the worker serves only the queues listed, as on Redis, so a test of one
// worker role sees what that role runs.

@Injectable()
class RoleTasks {
  readonly ran: string[] = [];

  @TaskHandler('render', { queue: 'video' })
  render(payload: { n: number }) {
    this.ran.push(`render ${payload.n}`);
  }

  @TaskHandler('notify')
  notify(payload: { n: number }) {
    this.ran.push(`notify ${payload.n}`);
  }
}

describe('worker.queues in the test mode', () => {
  it('runs the tasks of the queues listed only, and lists only those as served', async () => {
    const t = await startTestingApp([RoleTasks], { mode: 'fake', worker: { queues: ['video'] } });
    try {
      const notify = await t.queue.enqueue('notify', { n: 1 });
      await t.queue.enqueue('render', { n: 2 }, { queue: 'video' });
      await t.tester.drain();
      expect(t.get(RoleTasks).ran).toEqual(['render 2']);
      expect((await t.queue.get(notify))?.state).toBe('waiting');
      expect((await t.queue.workers()).map((w) => w.queues.map((q) => q.queue))).toEqual([['video']]);
    } finally {
      await t.close();
    }
  });

  it('fails init when worker.queues names a queue no handler consumes, naming it', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [TaskModule.forTesting({ mode: 'fake', worker: { queues: ['vidoe'] } })],
      providers: [RoleTasks],
    }).compile();
    moduleRef.useLogger(false);
    const error = await moduleRef.init().catch((e: unknown) => e);
    await moduleRef.close().catch(() => undefined);
    expect(error).toBeInstanceOf(InvalidTaskOptionsError);
    expect((error as Error).message).toContain("worker.queues names 'vidoe', which no handler of this app consumes (this app's handlers consume 'video', 'default')");
  });
});
