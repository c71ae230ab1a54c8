import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { RESOLVED_TASK_OPTIONS, type ResolvedTaskOptions } from '../config/resolved-options.js';
import { VirtualClock } from '../memory/memory-clock.js';
import { MemoryStore } from '../memory/memory-store.js';
import { TESTING_SETTINGS, type TestingSettings } from './testing-settings.js';
import { TestWorker } from './test-worker.js';
import { timers } from '../timers/own-timers.js';

/**
 * The inline mode's runner: whenever a queue has news (a task enqueued, a
 * retry due, a dependency finished, a queue resumed) it starts what is due,
 * so an enqueued task runs at once and `waitFor` needs no worker loop. Delays
 * and backoff wait on real timers with `timers: 'real'`; on the virtual clock,
 * the runner moves the clock to the next due task as soon as nothing is
 * running, so a test never waits for them.
 */
@Injectable()
export class InlineRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('TaskModule');
  private scheduled = false;
  private timer: NodeJS.Timeout | null = null;
  private stopped = true;
  private readonly unsubscribes: Array<() => void> = [];

  constructor(
    private readonly worker: TestWorker,
    private readonly store: MemoryStore,
    @Inject(TESTING_SETTINGS) private readonly settings: TestingSettings,
    @Inject(RESOLVED_TASK_OPTIONS) private readonly options: ResolvedTaskOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (this.settings.mode !== 'inline' || !this.options.worker || this.worker.queues().length === 0) return;
    this.stopped = false;
    this.unsubscribes.push(this.store.onWake(() => this.kick()), this.worker.onFinished(() => this.kick()));
    this.logger.log(`test mode (inline, ${this.settings.timers} timers): tasks of ${this.worker.queues().map((q) => `'${q}'`).join(', ')} run as they are enqueued, in memory`);
    this.kick();
  }

  /** Stops starting tasks; TestWorker lets running ones finish for the grace period, then hands them back. */
  beforeApplicationShutdown(): void {
    this.stopped = true;
    this.unsubscribes.splice(0).forEach((unsubscribe) => unsubscribe());
    if (this.timer) timers.clearTimeout(this.timer);
  }

  /** Looks at the queues on the next turn of the event loop (once, however often it is asked). */
  private kick(): void {
    if (this.stopped || this.scheduled) return;
    this.scheduled = true;
    timers.setImmediate(() => {
      this.scheduled = false;
      this.step().catch((error: unknown) => this.logger.error(`inline mode: running tasks failed: ${error instanceof Error ? error.stack : String(error)}`));
    });
  }

  private async step(): Promise<void> {
    if (this.stopped) return;
    const { started, nextDueInMs, full } = await this.worker.fill();
    if (started > 0 || nextDueInMs === null || this.stopped) return;
    if (this.store.clock instanceof VirtualClock) {
      // Nothing runs and nothing else is due: skip ahead to the next task rather than wait. A queue
      // that was full when looked at may hold due tasks: the attempt that freed it kicks a new look.
      if (this.worker.busy === 0 && !full) {
        this.store.clock.advance(nextDueInMs);
        this.kick();
      }
      return;
    }
    if (this.timer) timers.clearTimeout(this.timer);
    this.timer = timers.setTimeout(() => {
      this.timer = null;
      this.kick();
    }, nextDueInMs + 1);
  }
}
