import { Inject, Injectable, Optional } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { TASK_ENGINE } from '../engine/engine.tokens.js';
import type { TaskEngine } from '../engine/task-engine.js';
import type { StoreMemory } from '../engine/task-maintenance.js';
import { fromTaskModule } from '../module/missing-task-module.js';
import { WORKER_STATUS, type WorkerStatusSource } from '../worker/worker-status.js';
import { resolveHealthOptions, type ResolvedHealthOptions, type TaskHealthOptions } from './task-health-options.js';
import { timers } from '../timers/own-timers.js';

/** Priority levels looked at for `maxOldestWaitingMs` (see TaskEngine.waitingAge). */
const AGE_LEVELS = 100;

/** What one queue's check read. */
interface QueueHealth {
  waiting: number;
  dead: number;
  oldestWaitingMs: number | null;
  /** Paused (by `pause()`): its tasks wait whatever the workers do, so its thresholds say so. */
  paused: boolean;
}

/**
 * A @nestjs/terminus health indicator for the task queue: Redis reachable
 * (with its round trip in ms, and its memory in use against maxmemory when
 * INFO tells: judged with maxMemoryPercent), this app's workers running
 * (unless it is a producer-only app), and optional per-queue thresholds.
 * Provide it in a module that imports TerminusModule; TaskModule must be
 * imported by the app.
 */
@Injectable()
export class TaskHealthIndicator {
  private readonly engine: TaskEngine;

  constructor(
    private readonly health: HealthIndicatorService,
    @Optional() @Inject(TASK_ENGINE) engine: TaskEngine | null,
    // The worker host on Redis, the test worker under TaskModule.forTesting; absent without TaskModule.
    @Optional() @Inject(WORKER_STATUS) private readonly workers: WorkerStatusSource | null,
  ) {
    this.engine = fromTaskModule(engine, 'TaskHealthIndicator');
  }

  /**
   * Up when Redis answers, this app's workers run, and no queue named in
   * `options.queues` is over a threshold; down otherwise, with every reason
   * in `problems`. Each Redis read must answer within `timeoutMs`.
   */
  async isHealthy<const Key extends string>(key: Key, options?: TaskHealthOptions): Promise<HealthIndicatorResult<Key>> {
    const checked = resolveHealthOptions(options);
    const indicator = this.health.check(key);
    // This process's own state: known whether or not Redis answers.
    const workers = this.workers?.status() ?? { enabled: false, running: false, queues: [] };
    const problems: string[] = [];
    if (workers.enabled && !workers.running) problems.push("this app's workers are not running");
    // An attempt running too long in this app is known here too: reported whether or not Redis answers.
    for (const limits of checked.queues) {
      const running = workers.queues.find((w) => w.queue === limits.queue)?.oldestRunningMs ?? null;
      if (limits.maxRunningMs !== undefined && running !== null && running > limits.maxRunningMs) {
        problems.push(`queue '${limits.queue}': an attempt has run ${running} ms in this app, over maxRunningMs ${limits.maxRunningMs}`);
      }
    }
    const started = performance.now();
    try {
      await this.within(this.engine.ping(), checked.timeoutMs, 'PING');
    } catch (error) {
      // No answer in time is a stalled or busy Redis as often as an unreachable one (a stopped process, a long
      // script): the connection's own state tells them apart (refused, reconnecting) when it knows.
      const trouble = error instanceof NoAnswer ? this.engine.connectionTrouble() : null;
      const said = trouble === null ? messageOf(error) : `${messageOf(error)}; ${trouble}`;
      const what = error instanceof NoAnswer && trouble === null ? 'Redis is unreachable or not answering' : 'Redis is unreachable';
      return indicator.down({ redis: { reachable: false, error: said }, workers, problems: [`${what} (${said})`, ...problems] });
    }
    const roundTripMs = Math.round((performance.now() - started) * 100) / 100;
    // Beside the queue reads, not after them: the check stays within about twice timeoutMs. Not knowing
    // (INFO refused, no answer in time) is no problem of its own: the queue reads still judge Redis.
    const [memory, read] = await Promise.all([
      this.engine.memory(checked.timeoutMs).catch(() => null),
      this.readQueues(checked).then(
        (queues) => ({ queues }),
        (error: unknown) => ({ error }),
      ),
    ]);
    const redis = { reachable: true, roundTripMs, ...(memory && { usedMemoryBytes: memory.usedBytes, maxMemoryBytes: memory.maxBytes }) };
    const limit = checked.maxMemoryPercent;
    if (memory && limit !== null && memory.maxBytes > 0 && percentUsed(memory) >= limit) problems.push(memoryLine(memory, limit));
    if ('error' in read) return indicator.down({ redis, workers, problems: [...problems, `reading the queues failed (${messageOf(read.error)})`] });
    const { queues } = read;
    for (const limits of checked.queues) {
      const q = queues[limits.queue];
      const name = q.paused ? `queue '${limits.queue}' (paused)` : `queue '${limits.queue}'`;
      if (limits.maxWaiting !== undefined && q.waiting > limits.maxWaiting) problems.push(`${name}: ${q.waiting} waiting, over maxWaiting ${limits.maxWaiting}`);
      if (limits.maxDead !== undefined && q.dead > limits.maxDead) problems.push(`${name}: ${q.dead} dead, over maxDead ${limits.maxDead}`);
      if (limits.maxOldestWaitingMs !== undefined && q.oldestWaitingMs !== null && q.oldestWaitingMs > limits.maxOldestWaitingMs) {
        problems.push(`${name}: a task has waited ${q.oldestWaitingMs} ms, over maxOldestWaitingMs ${limits.maxOldestWaitingMs}`);
      }
    }
    const data = { redis, workers, queues };
    return problems.length === 0 ? indicator.up(data) : indicator.down(Object.assign(data, { problems }));
  }

  private async readQueues(checked: ResolvedHealthOptions): Promise<Record<string, QueueHealth>> {
    const read = async (queue: string): Promise<[string, QueueHealth]> => {
      const [counts, oldestWaitingMs] = await this.within(
        Promise.all([this.engine.counts(queue), this.engine.waitingAge(queue, AGE_LEVELS)]),
        checked.timeoutMs,
        `reading queue '${queue}'`,
      );
      return [queue, { waiting: counts.waiting, dead: counts.dead, oldestWaitingMs, paused: counts.paused }];
    };
    return Object.fromEntries(await Promise.all(checked.queues.map((limits) => read(limits.queue))));
  }

  private within<T>(call: Promise<T>, timeoutMs: number, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = timers.setTimeout(() => reject(new NoAnswer(`${what} got no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    return Promise.race([call, timeout]).finally(() => timers.clearTimeout(timer));
  }
}

/**
 * The share of maxmemory in use, rounded up: Redis holds a full server just
 * under its limit (refusing the write that would pass it, or evicting to stay
 * below), so within 1% of it counts as 100.
 */
function percentUsed({ usedBytes, maxBytes }: StoreMemory): number {
  return Math.ceil((usedBytes * 100) / maxBytes);
}

/** Why the memory in use is a problem: full, by what the policy then does, or over the threshold. */
function memoryLine(memory: StoreMemory, limit: number): string {
  const { where, usedBytes, maxBytes, policy } = memory;
  const percent = percentUsed(memory);
  if (percent < 100) return `Redis at ${where} uses ${percent}% of its maxmemory (${usedBytes} of ${maxBytes} bytes), over maxMemoryPercent ${limit}`;
  const then = policy.startsWith('allkeys-')
    ? 'it evicts keys to make room, task records and payloads among them'
    : 'it refuses writes: enqueues fail and workers cannot record outcomes';
  return `Redis at ${where} is full: ${usedBytes} bytes in use of maxmemory ${maxBytes} (maxmemory-policy ${policy}), so ${then}; free memory (clean finished tasks, shorten retention) or raise maxmemory`;
}

/** A read that got no answer within `timeoutMs`. */
class NoAnswer extends Error {}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
