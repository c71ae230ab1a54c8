import type { ResolvedQueueSettings } from '../config/resolved-options.js';
import type { QueueGauges } from '../engine/task-maintenance.js';
import type { TaskErrorInfo } from '../interfaces/task-info.interface.js';
import type { RetentionOverride } from '../interfaces/retention-option.js';
import type { TaskEventType } from '../interfaces/task-event.interface.js';
import { MemoryEventLog } from './memory-event-log.js';
import { effective } from './own-retention.js';
import { waitScore, type MemoryTask } from './memory-task.js';
import { MemoryWakeups } from './memory-waker.js';
import { ScoredSet } from './scored-set.js';

/**
 * One queue's state in memory, laid out as the Redis engine lays out its
 * keys (lib/redis/lua/README.md): the task records, one ordered set per
 * state, the handler limits, the pause flag, the rate-limit window and the
 * event stream. The primitives here are the helpers the Lua scripts share
 * (includes/common.lua); the transitions built on them live beside this file.
 */
export class MemoryQueue {
  readonly tasks = new Map<string, MemoryTask>();
  /** Waiting ids by wait score. */
  readonly wait = new ScoredSet();
  /** Delayed ids by due time. */
  readonly delayed = new ScoredSet();
  /** Running ids by lease expiry. */
  readonly active = new ScoredSet();
  /** Finished ids by finish time, then in the order they finished (see ScoredSet). */
  readonly completed = new ScoredSet('arrival');
  readonly dead = new ScoredSet('arrival');
  /** Ids waiting for dependencies, by enqueue time. */
  readonly blocked = new ScoredSet();
  /** Handler name -> tasks parked at its fleet-wide limit, by wait score. */
  readonly parked = new Map<string, ScoredSet>();
  /** Handler name -> runs in progress that count against its limit. */
  readonly running = new Map<string, number>();
  /** Handler name -> until when a live worker carries it (its heartbeats' latest expiry). */
  readonly carriers = new Map<string, number>();
  readonly events: MemoryEventLog;
  readonly wakeups = new MemoryWakeups();
  seq = 0;
  paused = false;
  /** Starts in the current rate-limit window, and when the window ends. */
  rate: { count: number; endsAt: number } | null = null;
  /** Attempts that ended per minute (start of the minute -> counts), kept two hours as on Redis. */
  readonly throughput = new Map<number, { completed: number; failed: number }>();
  /** The gauge counts last counted, and when (see TaskMaintenance.gauges). */
  gaugeSnapshot: { at: number; gauges: QueueGauges } | null = null;

  constructor(readonly name: string, readonly settings: ResolvedQueueSettings, private readonly onWake: (queue: string) => void) {
    this.events = new MemoryEventLog(name);
  }

  /** Tells a worker (and the test mode's runner) that the queue has news. */
  wake(): void {
    this.wakeups.wake();
    this.onWake(this.name);
  }

  emit(task: MemoryTask, type: TaskEventType, now: number, attempt?: number, value?: { result?: string; error?: TaskErrorInfo; progress?: string }): void {
    this.events.append(this.settings.eventsMaxLen, task, type, now, attempt, value);
  }

  /** Puts a task in line at its old place. */
  toWaiting(task: MemoryTask): void {
    task.state = 'waiting';
    this.wait.add(task.id, waitScore(task));
  }

  /** Delays a task until `runAt`, waking a worker when it is now the earliest (so it re-arms its timer). */
  toDelayed(task: MemoryTask, runAt: number): void {
    task.state = 'delayed';
    task.runAt = runAt;
    this.delayed.add(task.id, runAt);
    if (this.delayed.first() === task.id) this.wake();
  }

  /** Forgets a task and everything kept for it. */
  deleteTask(id: string): void {
    this.tasks.delete(id);
  }

  /** Ends a running task's lease, and its count against its handler's limit. */
  endLease(task: MemoryTask): void {
    this.active.delete(task.id);
    task.leaseToken = null;
    if (task.countedInLimit) this.releaseHandlerSlot(task);
  }

  /** Puts a leased task back to waiting without counting its attempt (shutdown, orphans). */
  handBack(task: MemoryTask): void {
    this.endLease(task);
    task.startedAt = null;
    task.attempts -= 1;
    this.toWaiting(task);
  }

  /**
   * Keeps a finished-state set within `ageMs` and `count` (negative: no
   * limit); removed tasks are deleted. Exact, where Redis trims a few at a time.
   */
  trim(set: ScoredSet, now: number, ageMs: number, count: number): void {
    if (ageMs >= 0) for (const id of set.upTo(now - ageMs)) this.drop(set, id);
    if (count >= 0 && set.size > count) for (const id of set.range(0, set.size - count)) this.drop(set, id);
  }

  /**
   * Removes finished tasks past their retention's age, as recover.lua's sweep
   * does for a queue where no task finishes to trim them: those older than the
   * module's `ageMs`, each by its own age when `own` gives it one.
   */
  sweepByAge(set: ScoredSet, now: number, ageMs: number, own: (task: MemoryTask) => RetentionOverride | null): void {
    if (ageMs < 0) return;
    for (const id of set.upTo(now - ageMs)) {
      const task = this.tasks.get(id);
      const { age } = effective(task ? own(task) : null, { age: ageMs, count: -1 });
      if ((set.score(id) ?? now) <= now - age) this.drop(set, id);
    }
  }

  /** Forgets every task, event, pause and rate window of the queue. */
  clear(): void {
    this.tasks.clear();
    for (const set of [this.wait, this.delayed, this.active, this.completed, this.dead, this.blocked]) set.clear();
    this.parked.clear();
    this.running.clear();
    this.events.clear();
    this.paused = false;
    this.rate = null;
    this.gaugeSnapshot = null;
    this.throughput.clear();
  }

  /** Removes one member of a finished-state set and deletes its task. */
  private drop(set: ScoredSet, id: string): void {
    set.delete(id);
    this.deleteTask(id);
  }

  private releaseHandlerSlot(task: MemoryTask): void {
    task.countedInLimit = false;
    this.running.set(task.name, Math.max(0, (this.running.get(task.name) ?? 0) - 1));
    const parked = this.parked.get(task.name);
    const next = parked?.first();
    if (next === undefined) return;
    const score = parked!.score(next)!;
    parked!.delete(next);
    this.wait.add(next, score);
    this.wake();
  }
}
