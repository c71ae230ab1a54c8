import { Injectable } from '@nestjs/common';
import { TaskHandler, defineTask } from '../../../lib/index.js';
import { startTestingApp } from '../../fixtures/testing-app.js';

// Where a task's policy and retention come from: enqueue options, then the
// handler's (a definition's options count as the handler's, in an app
// without the handler too), then the queue's defaults, then the module's.

const Notify = defineTask<{ user: string }>('notify', { queue: 'notices', attempts: 4, removeOnComplete: true });

@Injectable()
class Handlers {
  @TaskHandler('billing.run', { queue: 'billing', timeout: 9_000 })
  run() {}
}

const moduleOptions = {
  defaults: { attempts: 2, backoff: { type: 'fixed' as const, delay: 10 }, timeout: 1_000 },
  queues: {
    billing: { defaults: { attempts: 7, removeOnDead: { count: 3 } } },
    notices: { defaults: { attempts: 9, timeout: 2_000, removeOnDead: true } },
  },
};

describe('option precedence: enqueue, handler, queue defaults, module defaults', () => {
  it('layers each field from the first level that sets it', async () => {
    const t = await startTestingApp([Handlers], { mode: 'fake', ...moduleOptions });
    try {
      await t.queue.enqueue('billing.run', null);
      await t.queue.enqueue('billing.run', null, { attempts: 1, timeout: 50 });
      await t.queue.enqueue('other', null);
      const [fromQueue, fromEnqueue, fromModule] = t.tester.enqueued().map((e) => [e.queue, e.options]);
      expect(fromQueue).toEqual(['billing', { priority: 0, attempts: 7, backoff: { type: 'fixed', delay: 10 }, timeout: 9_000, removeOnDead: { count: 3 } }]);
      expect(fromEnqueue).toEqual(['billing', { priority: 0, attempts: 1, backoff: { type: 'fixed', delay: 10 }, timeout: 50, removeOnDead: { count: 3 } }]);
      expect(fromModule).toEqual(['default', { priority: 0, attempts: 2, backoff: { type: 'fixed', delay: 10 }, timeout: 1_000 }]);
    } finally {
      await t.close();
    }
  });

  it("takes a definition's options as the handler's in an app that has no handler for it", async () => {
    const producer = await startTestingApp([], { mode: 'fake', ...moduleOptions });
    try {
      await producer.queue.enqueue(Notify, { user: 'u1' });
      await producer.queue.enqueue(Notify, { user: 'u2' }, { queue: 'billing', removeOnComplete: { age: 1_000 } });
      expect(producer.tester.enqueued(Notify).map((e) => [e.queue, e.options])).toEqual([
        ['notices', { priority: 0, attempts: 4, backoff: { type: 'fixed', delay: 10 }, timeout: 2_000, removeOnComplete: true, removeOnDead: true }],
        ['billing', { priority: 0, attempts: 4, backoff: { type: 'fixed', delay: 10 }, timeout: 1_000, removeOnComplete: { age: 1_000 }, removeOnDead: { count: 3 } }],
      ]);
    } finally {
      await producer.close();
    }
  });

  it('shows false retention as false, the way it was given', async () => {
    const producer = await startTestingApp([], { mode: 'fake', ...moduleOptions });
    try {
      await producer.queue.enqueue('keep', {}, { removeOnComplete: false, removeOnDead: false });
      expect(producer.tester.enqueued('keep')[0].options).toMatchObject({ removeOnComplete: false, removeOnDead: false });
    } finally {
      await producer.close();
    }
  });

  it('refuses, beside a definition, a handler option that the enqueuing app settles', async () => {
    @Injectable()
    class Elsewhere {
      // @ts-expect-error the types refuse them too; bootstrap must, for code the types do not see
      @TaskHandler(Notify, { queue: 'other', backoff: { type: 'fixed', delay: 30_000 } })
      notify() {}
    }
    // An app without the handler would store Notify's tasks on 'notices', where this app's worker never looks.
    await expect(startTestingApp([Elsewhere], { mode: 'fake', ...moduleOptions })).rejects.toThrow(
      "@TaskHandler on Elsewhere.notify: 'queue', 'backoff' cannot be set beside the definition 'notify': an app that enqueues it " +
        "without this handler would not know them, and would store the task with the definition's queue and policy. " +
        "Set them in defineTask('notify', { ... }); beside a definition, @TaskHandler takes only concurrency, globalConcurrency and schedule",
    );
  });

  it('takes, beside a definition, settings given as undefined (from configuration) as not given', async () => {
    const configured: { queue?: string; attempts?: number } = {};
    @Injectable()
    class FromConfig {
      // @ts-expect-error the types refuse the keys even when undefined; at run time, undefined counts as not given
      @TaskHandler(Notify, { queue: configured.queue, attempts: configured.attempts, concurrency: 2 })
      notify() {}
    }
    const t = await startTestingApp([FromConfig], { mode: 'fake', ...moduleOptions });
    try {
      await t.queue.enqueue(Notify, { user: 'u2' });
      // The definition's queue and attempts stand: undefined neither counts as set beside it nor overwrites them.
      expect(t.tester.enqueued(Notify).map((e) => [e.queue, e.options.attempts])).toEqual([['notices', 4]]);
    } finally {
      await t.close();
    }
  });

  it('takes, beside a definition, the options that only the worker applies, and stores its tasks as an app without the handler does', async () => {
    @Injectable()
    class Limited {
      @TaskHandler(Notify, { concurrency: 2, globalConcurrency: 3 })
      notify() {}
    }
    const t = await startTestingApp([Limited], { mode: 'fake', ...moduleOptions });
    try {
      await t.queue.enqueue(Notify, { user: 'u1' });
      expect(t.tester.enqueued(Notify).map((e) => [e.queue, e.options])).toEqual([
        ['notices', { priority: 0, attempts: 4, backoff: { type: 'fixed', delay: 10 }, timeout: 2_000, removeOnComplete: true, removeOnDead: true }],
      ]);
      // Its worker consumes the definition's queue: the task runs (and is removed on completion, as Notify says).
      await expect(t.tester.drain()).resolves.toMatchObject({ attempts: 1 });
    } finally {
      await t.close();
    }
  });

  it("fixes a schedule's occurrences' policy from the same levels", async () => {
    const t = await startTestingApp([Handlers], { mode: 'fake', ...moduleOptions });
    try {
      await t.queue.schedule('nightly', 'billing.run', null, { every: 60_000 });
      await t.tester.fireSchedule('nightly');
      expect(t.tester.enqueued('billing.run')[0].options).toMatchObject({ attempts: 7, timeout: 9_000, removeOnDead: { count: 3 } });
    } finally {
      await t.close();
    }
  });
});
