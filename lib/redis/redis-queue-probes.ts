import type { QueueGauges } from '../engine/task-maintenance.js';
import type { QueueScripts } from './queue-scripts.js';
import { redacted } from './redact-error.js';
import { replyLayout } from './reply-layout.js';
import { scriptArgs } from './script-args.js';

const GAUGES = replyLayout('gauges');

/** The reads behind health checks and metrics gauges: each one round trip, none a scan of a queue. */
export class RedisQueueProbes {
  constructor(private readonly scripts: QueueScripts) {}

  async ping(): Promise<void> {
    await redacted(this.scripts.client.ping());
  }

  async gauges(queue: string, maxAgeMs: number): Promise<QueueGauges> {
    const args = scriptArgs('gauges', Object.assign(this.scripts.head(queue), { maxAgeMs }));
    const reply = ((await this.scripts.script('gauges', queue, args)) as unknown[]).map(Number);
    const at = GAUGES.head;
    return { waiting: reply[at.waiting], delayed: reply[at.delayed], active: reply[at.active], dead: reply[at.dead] };
  }

  async waitingAge(queue: string, maxLevels: number): Promise<number | null> {
    const age = Number(await this.scripts.script('waitingAge', queue, scriptArgs('waitingAge', Object.assign(this.scripts.head(queue), { maxLevels }))));
    return age < 0 ? null : age;
  }
}
