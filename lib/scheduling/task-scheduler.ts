import { Inject, Injectable } from '@nestjs/common';
import { TaskHandlerRegistry } from '../discovery/task-handler.registry.js';
import { InvalidTaskOptionsError } from '../errors/invalid-task-options.error.js';
import { RESOLVED_TASK_OPTIONS, type ResolvedTaskOptions } from '../config/resolved-options.js';
import { checkName } from '../config/option-checks.js';
import { encodePayload } from '../engine/payload-json.js';
import { defineSchedule, scheduleInfo, type StoredSchedule } from './schedule-definition.js';
import type { ScheduleInfo, ScheduleOptions } from './schedule.interface.js';
import { checkScheduleSpec, firstOccurrence } from '../policies/schedule-timing.js';
import { ScheduleStore } from '../redis/redis-schedule-engine.js';

/**
 * Creates, changes, removes and lists schedules: the work behind
 * `TaskQueue.schedule / unschedule / schedules`, and the bootstrap upsert of
 * `@TaskHandler({ schedule })` declarations. Everything it knows is in Redis,
 * so a change made here reaches every instance's firer without a restart.
 */
@Injectable()
export class TaskScheduler {
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly store: ScheduleStore,
    private readonly registry: TaskHandlerRegistry,
    @Inject(RESOLVED_TASK_OPTIONS) private readonly options: ResolvedTaskOptions,
  ) {}

  /** Calls `listener` after each change made through this instance (the local firer looks again at once). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Creates or replaces schedule `id`. An unchanged timing keeps its next due time; a new one starts from now. */
  async schedule<P>(id: string, name: string, payload: P, options: ScheduleOptions): Promise<ScheduleInfo<P>> {
    const scheduleId = checkName(id, 'schedule', 'the schedule id');
    const where = `schedule('${scheduleId}')`;
    const taskName = checkName(name, where, 'the task name');
    const spec = checkScheduleSpec(options, where, 'options', ['queue']);
    const handler = this.registry.defaultsFor(taskName);
    const queue = options.queue === undefined ? handler?.queue ?? 'default' : checkName(options.queue, where, 'queue');
    const payloadJson = encodePayload(payload, where, this.options.maxPayloadBytes);
    const definition = defineSchedule({ id: scheduleId, name: taskName, queue, payloadJson, spec }, handler, this.options.defaults, where);
    return (await this.save(definition, where)) as ScheduleInfo<P>;
  }

  /** Removes schedule `id`; false when there was none. Occurrences already enqueued stay. */
  async unschedule(id: string): Promise<boolean> {
    const scheduleId = checkName(id, 'unschedule', 'the schedule id');
    const queue = await this.store.queueOf(scheduleId);
    // Definition first: once it is gone no instance fires it; a directory entry left behind by a crash here is harmless.
    const removed = queue === null ? false : await this.store.remove(queue, scheduleId);
    const forgotten = await this.store.forget(scheduleId);
    this.changed();
    return removed || forgotten;
  }

  /** Every schedule of the prefix, by id. */
  async list(): Promise<ScheduleInfo[]> {
    const entries = [...(await this.store.directory())].map(([id, queue]) => ({ id, queue }));
    const states = await this.store.read(entries);
    return states
      .filter((state) => state !== null)
      .map((state) => scheduleInfo(state))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Upserts the schedules this app's handlers declare; each schedule's id is its task name. */
  async saveDeclared(): Promise<void> {
    for (const handler of this.registry.scheduled()) {
      const where = `@TaskHandler('${handler.name}') schedule`;
      const { spec, payloadJson } = handler.schedule;
      const input = { id: handler.name, name: handler.name, queue: handler.queue, payloadJson, spec };
      await this.save(defineSchedule(input, this.registry.defaultsFor(handler.name), this.options.defaults, where), where);
    }
  }

  private async save(definition: StoredSchedule, where: string): Promise<ScheduleInfo> {
    const now = await this.store.now();
    const first = firstOccurrence(definition.spec, now);
    if (first === null) throw new InvalidTaskOptionsError(`${where}: cron expression '${definition.spec.cron}' has no future occurrence`);
    const previous = await this.store.queueOf(definition.id);
    // Directory first: the firer ignores (and removes) definitions the directory does not point at.
    if (previous !== definition.queue) await this.store.setQueue(definition.id, definition.queue);
    const { next } = await this.store.upsert(definition, first);
    if (previous !== null && previous !== definition.queue) await this.store.remove(previous, definition.id);
    this.changed();
    return scheduleInfo({ ...definition, next });
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
