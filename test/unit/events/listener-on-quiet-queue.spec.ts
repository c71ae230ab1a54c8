import { ConsoleLogger, Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { OnTaskEvent, TaskModule, type TaskEvent } from '../../../lib/index.js';

@Injectable()
class Audit {
  @OnTaskEvent('completed', { queue: 'audit' })
  quiet(_event: TaskEvent) {}

  @OnTaskEvent('completed', { queue: 'loud' })
  loud(_event: TaskEvent) {}
}

/** Nest's console logger, keeping what it was asked to warn. */
class WarningsLogger extends ConsoleLogger {
  readonly warnings: string[] = [];
  override warn(message: unknown): void {
    this.warnings.push(String(message));
  }
  override log(): void {}
}

// A listener on a queue whose events are off sees only the final events of
// awaited tasks: allowed (waitFor-driven audits), but said at bootstrap, as
// it would otherwise look like lost events.

describe('@OnTaskEvent on a queue with its events off', () => {
  it('warns at bootstrap, naming the listener and the setting, and says nothing of a queue with events on', async () => {
    const logger = new WarningsLogger();
    const moduleRef = await Test.createTestingModule({
      imports: [TaskModule.forTesting({ mode: 'fake', queues: { audit: { events: false } } })],
      providers: [Audit],
    })
      .setLogger(logger)
      .compile();
    const app = await moduleRef.init();
    try {
      expect(logger.warnings).toEqual([
        "Audit.quiet: @OnTaskEvent listens to queue 'audit', whose events are off (queues.audit.events: false): " +
          'it sees only the final events of tasks a waitFor is waiting on; turn the events on to see every one',
      ]);
    } finally {
      await app.close();
    }
  });
});
