import { ConsoleLogger, Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { OnTaskEvent, TaskHandler, TaskModule, defineTask, type TaskEvent } from '../../../lib/index.js';

// A listener that names no queue follows 'default'. Ported from a queue's own
// events class (BullMQ's @QueueEventsListener('emails')) without its queue, it
// would hear nothing in an app whose tasks all go elsewhere: said at bootstrap.

const Digest = defineTask('digest.send', { queue: 'emails' });
const Pinned = defineTask('pinned.send', { queue: 'default' });

@Injectable()
class EmailTasks {
  @TaskHandler('welcome.send', { queue: 'emails' })
  welcome() {}

  @TaskHandler(Digest)
  digest() {}
}

@Injectable()
class Listeners {
  @OnTaskEvent('completed')
  ported(_event: TaskEvent) {}

  @OnTaskEvent('dead', { queue: 'emails' })
  given(_event: TaskEvent) {}

  // By a task name its handler serves: that handler's queue.
  @OnTaskEvent('completed', { name: 'welcome.send' })
  byHandler(_event: TaskEvent) {}

  // By a definition that names its queue, 'default' included.
  @OnTaskEvent('completed', { name: Pinned })
  byDefinition(_event: TaskEvent) {}

  // By a name no handler here serves: its tasks go to 'default' from this app, and another service runs them.
  @OnTaskEvent('completed', { name: 'pdf.render' })
  byNameElsewhere(_event: TaskEvent) {}

  // 'default' named outright.
  @OnTaskEvent('dead', { queue: 'default' })
  meant(_event: TaskEvent) {}
}

class WarningsLogger extends ConsoleLogger {
  readonly warnings: string[] = [];
  override warn(message: unknown): void {
    this.warnings.push(String(message));
  }
  override log(): void {}
}

async function warningsOf(providers: Array<new (...args: never[]) => unknown>, queues: Record<string, object> = {}): Promise<string[]> {
  const logger = new WarningsLogger();
  const moduleRef = await Test.createTestingModule({ imports: [TaskModule.forTesting({ mode: 'fake', queues })], providers }).setLogger(logger).compile();
  const app = await moduleRef.init();
  await app.close();
  return logger.warnings;
}

describe("@OnTaskEvent that names no queue, in an app whose handlers serve others", () => {
  it('warns at bootstrap, naming the listener and the queues the handlers serve, and only for it', async () => {
    expect(await warningsOf([EmailTasks, Listeners])).toEqual([
      "Listeners.ported: @OnTaskEvent('completed') follows queue 'default', as it names no queue (nor a task whose handler or definition " +
        "names one), but this app's handlers serve 'emails': give { queue } to follow another (or { queue: 'default' } if that is the one meant)",
    ]);
  });

  it("says nothing when 'default' is in use: served, or named in the module's queues, or when the app has no handler", async () => {
    @Injectable()
    class DefaultTasks {
      @TaskHandler('plain.send')
      plain() {}
    }
    expect(await warningsOf([EmailTasks, DefaultTasks, Listeners])).toEqual([]);
    expect(await warningsOf([EmailTasks, Listeners], { default: {} })).toEqual([]);
    expect(await warningsOf([Listeners])).toEqual([]);
  });
});
