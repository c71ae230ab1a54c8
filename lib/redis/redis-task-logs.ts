import type { Lease } from '../engine/attempt.js';
import type { TaskLogLine } from '../interfaces/task-log.interface.js';
import type { QueueScripts } from './queue-scripts.js';
import { redactRedisError, redacted } from './redact-error.js';
import { scriptArgs } from './script-args.js';

/** Task logs on Redis: a bounded list per task (lua/log.lua), removed with the task. */
export class RedisTaskLogs {
  constructor(private readonly scripts: QueueScripts) {}

  async append(queue: string, lease: Lease, message: string, maxLines: number): Promise<boolean> {
    const args = scriptArgs('log', Object.assign(this.scripts.head(queue), { id: lease.id, token: lease.token, message, maxLines }));
    return Number(await this.scripts.script('log', queue, args)) === 1;
  }

  async read(queue: string, id: string): Promise<TaskLogLine[] | null> {
    const keys = this.scripts.keysOf(queue);
    const pipeline = this.scripts.client.pipeline().exists(keys.task(id)).lrange(keys.logs(id), 0, -1).hexists(keys.compactRecords, id);
    const replies = (await redacted(pipeline.exec())) ?? [];
    const [[e1, exists], [e2, lines], [e3, compact]] = replies as [[Error | null, number], [Error | null, string[]], [Error | null, number]];
    if (e1 ?? e2 ?? e3) throw redactRedisError(e1 ?? e2 ?? e3);
    // A task with a compact record has not run yet, so it has no lines.
    if (Number(exists) === 0 && Number(compact) === 0) return null;
    return lines.map((line) => {
      const space = line.indexOf(' ');
      return { at: Number(line.slice(0, space)), message: line.slice(space + 1) };
    });
  }
}
