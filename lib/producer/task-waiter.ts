import { TaskFailedError } from '../errors/task-failed.error.js';
import { TaskNotFoundError } from '../errors/task-not-found.error.js';
import { WaitForAbortedError } from '../errors/wait-for-aborted.error.js';
import { WaitForTimeoutError } from '../errors/wait-for-timeout.error.js';
import type { QueueEventHub } from '../events/queue-event-hub.js';
import type { TaskEvent } from '../interfaces/task-event.interface.js';
import type { FinalState, TaskEngine } from '../engine/task-engine.js';
import { VanishedTaskCheck } from './vanished-task-check.js';
import { queuesHolding } from './queues-holding.js';
import { finalStateOf } from '../engine/final-state.js';
import { timers, within } from '../timers/own-timers.js';

/** Longest a timed-out waitFor spends reading the task for its message, past its timeout. */
const LOOK_AT_TIMEOUT_MS = 500;
/** Other queues a waitFor that finds no task reads for one of its id: a message, not a search of a huge prefix. */
const QUEUES_LOOKED_AT = 100;

/** What a TaskWaiter may assume of the store it reads. */
export interface TaskWaiterSettings {
  /**
   * Whether every live worker of the prefix is listed by `workers()` (on Redis,
   * each sends heartbeats), so that an empty list means none runs. Not in the
   * test mode, where none is listed with `worker: false`, a prefix typo cannot be, and
   * `hints` say what runs tasks instead.
   */
  workersListed?: boolean;
  /** What a timeout on a task still waiting adds in the test mode (see WaitingTaskHints). */
  hints?: WaitingTaskHints | null;
  /** Whether this app's handlers consume `queue` but its `worker.queues` leaves it out (a likely cause of no worker). */
  leftOut?: (queue: string) => boolean;
  /**
   * Whether this app serves `queue` but its worker has not started yet: it starts at onApplicationBootstrap,
   * so a waitFor awaited in an onModuleInit hook waits for it in vain.
   */
  ownWorkerPending?: (queue: string) => boolean;
}

/** What a timed-out waitFor of a task still waiting says runs tasks in the test mode, where no worker may be listed. */
export interface WaitingTaskHints {
  /** No worker is listed at all (worker: false, or no handler in the app). */
  noWorker: string;
  /** A worker of the queue with a handler for the task is listed (fake mode: nothing runs until told); null: nothing to add. */
  served: string | null;
}

/**
 * Provided by the test mode: the WaitingTaskHints of its mode, so a test that forgot fake mode's drain(),
 * or runs with worker: false or without the handler's provider, is told why its task still waits.
 */
export const WAITING_TASK_HINT = Symbol('nestjs-redis-tasks:waiting-task-hint');

/** One waitFor call in progress. */
export interface Waiter {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/**
 * waitFor on the queue's event stream: the task is flagged
 * as awaited (so its final event is written even when the queue's events are
 * off) and read in one atomic step that also gives the stream position, and
 * the queue's shared follower starts no later than that position, so a task
 * finishing at any moment is seen exactly once. Tasks that vanish without a
 * final event (cancelled, removed) are noticed by a once-a-second existence check,
 * or at once when this process's TaskQueue took them away.
 */
export class TaskWaiter {
  private readonly waiters = new Map<string, Map<string, Set<Waiter>>>();
  private readonly following = new Map<string, Promise<unknown>>();
  private closed = false;

  private readonly vanished: VanishedTaskCheck;

  constructor(
    private readonly engine: TaskEngine,
    private readonly hub: QueueEventHub,
    private readonly settings: TaskWaiterSettings = {},
  ) {
    this.vanished = new VanishedTaskCheck(engine, () => this.awaitedIds(), (queue, id) => this.gone(queue, id));
  }

  wait(queue: string, id: string, timeoutMs: number): Promise<unknown> {
    if (this.closed) return Promise.reject(new WaitForAbortedError(id, queue));
    return new Promise<unknown>((resolve, reject) => {
      const timer = timers.setTimeout(() => {
        // Still registered while the task is looked at: a final event arriving meanwhile settles it as usual.
        void this.seenAtTimeout(queue, id).then((seen) => {
          if (typeof seen === 'string') waiter.reject(new WaitForTimeoutError(id, queue, timeoutMs, seen));
          else finish(waiter, queue, id, seen);
        });
      }, timeoutMs);
      const done = () => {
        timers.clearTimeout(timer);
        this.forget(queue, id, waiter);
      };
      const waiter: Waiter = {
        resolve: (value) => {
          done();
          resolve(value);
        },
        reject: (error) => {
          done();
          reject(error);
        },
      };
      // Registered before the task is read: an event arriving after the read finds it.
      this.remember(queue, id, waiter);
      this.vanished.wake();
      this.engine.watch(queue, id).then(
        async (watched) => {
          if (watched === undefined) return waiter.reject(new TaskNotFoundError(id, queue, false, await this.queuesHolding(id, queue)));
          if (watched.final) return finish(waiter, queue, id, watched.final);
          await this.follow(queue, watched.lastEventId);
        },
        (error: unknown) => waiter.reject(error instanceof Error ? error : new Error(String(error))),
      ).catch((error: unknown) => waiter.reject(error instanceof Error ? error : new Error(String(error))));
    });
  }

  /**
   * What the timeout message says of the task: its state and, while it waits,
   * whether any live worker could run it (a mistyped name or queue waits
   * forever with none, silently), or its outcome when it finished meanwhile.
   * Read within LOOK_AT_TIMEOUT_MS; when it cannot be (Redis down), the message
   * says so rather than claim a state.
   */
  private async seenAtTimeout(queue: string, id: string): Promise<string | FinalState> {
    const unread = `its state could not be read within ${LOOK_AT_TIMEOUT_MS} ms (Redis unreachable or not answering?)`;
    const look = Promise.all([this.engine.get(queue, id), this.engine.workers()]).then(([task, workers]): string | FinalState => {
      // Taken away before the existence check told this waiter (it looks once a second, then grants a second for a final event).
      if (!task) return 'the task no longer exists (cancelled or removed)';
      // It finished as the time ran out: its outcome, rather than a timeout that would hide it.
      if (task.state === 'completed') return { state: 'completed', result: task.result };
      if (task.state === 'dead') return { state: 'dead', error: task.error ?? { message: 'unknown error' } };
      const seen = `the task is ${task.state}`;
      if (task.state !== 'waiting' && task.state !== 'delayed') return seen;
      const serving = workers.flatMap((w) => w.queues).filter((q) => q.queue === queue);
      if (serving.length === 0 && this.settings.ownWorkerPending?.(queue)) {
        return (
          `${seen}, and this app's own worker, which serves queue '${queue}', has not started: it starts at onApplicationBootstrap, ` +
          'after every onModuleInit has resolved, so a waitFor awaited in onModuleInit waits for it in vain (wait in onApplicationBootstrap or later)'
        );
      }
      // None at all: a mistyped prefix, or a fleet that is down (in the test mode, worker: false or no handler, which its hint names).
      const { hints, leftOut } = this.settings;
      if (workers.length === 0) {
        if (this.settings.workersListed) return `${seen}, and no live worker is registered under this prefix (is the prefix right? are the workers running?)`;
        return hints ? `${seen}: ${hints.noWorker}` : seen;
      }
      // Workers that serve other queues only: this app's worker.queues, or most likely a mistyped queue.
      if (serving.length === 0) {
        const why = leftOut?.(queue) ? "this app's handlers consume it, but its worker.queues leaves it out" : 'is the queue right?';
        return `${seen}, and no live worker serves queue '${queue}' (${why})`;
      }
      if (!serving.some((q) => q.handlers.includes(task.name))) return `${seen}, and no live worker of queue '${queue}' has a handler for '${task.name}'`;
      return hints?.served ? `${seen}: ${hints.served}` : seen;
    });
    const failed = (error: unknown) => `its state could not be read (${error instanceof Error ? error.message : String(error)})`;
    return within(look.catch(failed), LOOK_AT_TIMEOUT_MS, unread);
  }

  /**
   * The other queues of the prefix (at most QUEUES_LOOKED_AT) that hold a task of this id, for the message
   * of a waitFor that found none in `queue`; none when they cannot be read within LOOK_AT_TIMEOUT_MS.
   */
  private queuesHolding(id: string, queue: string): Promise<string[]> {
    const look = this.engine.queues().then((names) => queuesHolding(this.engine, names.filter((name) => name !== queue).slice(0, QUEUES_LOOKED_AT), id));
    return within(look.catch((): string[] => []), LOOK_AT_TIMEOUT_MS, []);
  }

  /**
   * The app is shutting down: its event followers stop, so no waiter could
   * see its task finish. Each rejects now (its timer cleared, so it no longer
   * holds the process) instead of at its timeout; later waits reject at once.
   */
  close(): void {
    this.closed = true;
    for (const [queue, byId] of [...this.waiters]) {
      for (const [id, set] of [...byId]) [...set].forEach((w) => w.reject(new WaitForAbortedError(id, queue)));
    }
  }

  private follow(queue: string, afterId: string): Promise<unknown> {
    let following = this.following.get(queue);
    if (!following) {
      following = this.hub.subscribe(queue, (event) => this.onEvent(queue, event), afterId);
      following.catch(() => this.following.delete(queue));
      this.following.set(queue, following);
    }
    return following;
  }

  private onEvent(queue: string, event: TaskEvent): void {
    const state = finalStateOf(event);
    if (state === null) return;
    const set = this.waiters.get(queue)?.get(event.id);
    if (!set) return;
    [...set].forEach((w) => finish(w, queue, event.id, state));
  }

  /** The ids waited on now, by queue. */
  private awaitedIds(): Map<string, string[]> {
    return new Map([...this.waiters].filter(([, byId]) => byId.size > 0).map(([queue, byId]) => [queue, [...byId.keys()]]));
  }

  /**
   * The waiters on a task now. A TaskQueue that takes a task away passes them
   * to `gone` after its call returns: a waitFor begun in between may be for a
   * new task added under the same id, and its own read of the task decides.
   */
  waitersOn(queue: string, id: string): ReadonlySet<Waiter> {
    return new Set(this.waiters.get(queue)?.get(id));
  }

  /**
   * A task vanished while waited on: its waiters (or those of `among` still
   * waiting) are told so. Called by the existence check, and at once when this
   * process's TaskQueue took an unfinished task away (cancel or remove), since
   * no final event will come.
   */
  gone(queue: string, id: string, among?: ReadonlySet<Waiter>): void {
    const set = this.waiters.get(queue)?.get(id);
    if (!set) return;
    [...set].filter((w) => !among || among.has(w)).forEach((w) => w.reject(new TaskNotFoundError(id, queue, true)));
  }

  private remember(queue: string, id: string, waiter: Waiter): void {
    let byId = this.waiters.get(queue);
    if (!byId) this.waiters.set(queue, (byId = new Map()));
    let set = byId.get(id);
    if (!set) byId.set(id, (set = new Set()));
    set.add(waiter);
  }

  private forget(queue: string, id: string, waiter: Waiter): void {
    const byId = this.waiters.get(queue);
    const set = byId?.get(id);
    if (!set) return;
    set.delete(waiter);
    if (set.size === 0) byId!.delete(id);
  }
}

/** Resolves or rejects a waiter with a finished task's outcome. */
function finish(waiter: Waiter, queue: string, id: string, state: FinalState): void {
  if (state.state === 'completed') waiter.resolve(state.result);
  else waiter.reject(new TaskFailedError(id, queue, state.error.message, state.error.stack));
}
