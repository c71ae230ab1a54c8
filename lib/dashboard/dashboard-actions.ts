import { ConflictException, Inject, Injectable, NotFoundException, Optional } from '@nestjs/common';
import { fromTaskModule } from '../module/missing-task-module.js';
import type { TaskRef } from '../interfaces/task-ref.interface.js';
import { TaskQueue } from '../producer/task-queue.js';
import { mustKnowQueue } from './unknown-queue.js';

/** The dashboard's actions, each one TaskQueue call; the controller checks the token and readOnly before any. */
@Injectable()
export class DashboardActions {
  private readonly tasks: TaskQueue;

  constructor(@Optional() @Inject(TaskQueue) tasks: TaskQueue | null) {
    this.tasks = fromTaskModule(tasks, 'TaskDashboardModule');
  }

  async pause(queue: string): Promise<{ paused: true }> {
    await mustKnowQueue(this.tasks, queue);
    await this.tasks.pause(queue);
    return { paused: true };
  }

  async resume(queue: string): Promise<{ paused: false }> {
    await mustKnowQueue(this.tasks, queue);
    await this.tasks.resume(queue);
    return { paused: false };
  }

  /** Retries the queue's dead tasks, or only those named `name`. */
  async retryDead(queue: string, name: string | null): Promise<{ retried: number }> {
    await mustKnowQueue(this.tasks, queue);
    return { retried: await this.tasks.retryAll(queue, { state: 'dead', ...(name !== null && { name }) }) };
  }

  async drain(queue: string): Promise<{ removed: number }> {
    await mustKnowQueue(this.tasks, queue);
    return { removed: await this.tasks.drain(queue) };
  }


  /** Retries a dead task: 404 when there is no such task, 409 when it is not dead (someone acted first, or it moved on). */
  async retry(queue: string, id: string): Promise<{ done: true }> {
    if (!(await this.tasks.retry(id, { queue }))) throw await this.refusal(queue, id, 'only dead tasks can be retried');
    return { done: true };
  }

  /** Makes a delayed task waiting now: 404 when there is no such task, 409 when it is not delayed (it fell due, or someone acted first). */
  async promote(queue: string, id: string): Promise<{ done: true }> {
    if (!(await this.tasks.promote(id, { queue }))) throw await this.refusal(queue, id, 'only delayed tasks can be promoted');
    return { done: true };
  }

  /** Removes a waiting, delayed or blocked task: 404 when there is no such task, 409 when it is running or finished. */
  async cancel(queue: string, id: string): Promise<{ done: true }> {
    if (!(await this.tasks.cancel(id, { queue }))) throw await this.refusal(queue, id, 'only waiting, delayed or blocked tasks can be cancelled');
    return { done: true };
  }

  /** Removes a task that is not running (a finished one with its result, log and history): 404 when there is no such task, 409 when it runs. */
  async remove(queue: string, id: string): Promise<{ done: true }> {
    if (!(await this.tasks.remove(id, { queue }))) throw await this.refusal(queue, id, 'a running task cannot be removed');
    return { done: true };
  }

  /** Why an action on a task did nothing, as the page shows it. */
  private async refusal(queue: string, id: string, wanted: string): Promise<Error> {
    const task = await this.tasks.get(id, { queue });
    if (!task) return new NotFoundException(`no task '${id}' in queue '${queue}' (never added, cancelled, or removed by remove() or retention)`);
    return new ConflictException(`task '${id}' is ${task.state} now; ${wanted}`);
  }

  /** Enqueues a new task of the same name and queue with `payload` (the edited one); its handler's policy applies. */
  async enqueueAgain(queue: string, id: string, payload: unknown): Promise<TaskRef> {
    const task = await this.tasks.get(id, { queue });
    if (!task) throw new NotFoundException(`no task '${id}' in queue '${queue}' (cancelled, or removed by remove() or retention)`);
    return this.tasks.enqueue(task.name, payload, { queue });
  }
}
