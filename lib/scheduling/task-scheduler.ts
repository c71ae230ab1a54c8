import { Inject, Injectable } from '@nestjs/common';
import { DEFAULTS } from '../config/defaults.js';
import { checkBackoff, checkName, checkPolicy, checkPriority, checkQueueName, checkRemoveOption } from '../config/option-checks.js';
import { RESOLVED_TASK_OPTIONS, fallbackPolicy, type ResolvedTaskOptions } from '../config/resolved-options.js';
import { checkScheduleSpec } from '../config/schedule-spec.checks.js';
import { TaskHandlerRegistry } from '../discovery/task-handler.registry.js';
import { SCHEDULE_ENGINE } from '../engine/engine.tokens.js';
import { encodePayload } from '../engine/payload-json.js';
import type { ScheduleDefinition, ScheduleEngine } from '../engine/schedule-engine.js';
import { InvalidTaskOptionsError } from '../errors/invalid-task-options.error.js';
import { firstOccurrence } from '../policies/schedule-timing.js';
import { TaskTelemetry } from '../telemetry/task-telemetry.js';
import { defineSchedule, scheduleInfo, type OccurrencePolicy } from './schedule-definition.js';
import { validatePayload } from '../execution/payload-schema.js';
import { definitionDefaults } from '../discovery/definition-defaults.js';
import type { TaskDefinition } from '../interfaces/task-definition.interface.js';
import type { ScheduleInfo, ScheduleOptions } from '../interfaces/schedule.interface.js';

/** The keys of TaskQueue.schedule's options beside the timing: what each occurrence is enqueued with. */
const OCCURRENCE_OPTION_KEYS = ['queue', 'priority', 'attempts', 'backoff', 'timeout', 'removeOnComplete', 'removeOnDead'] as const;

/** The policy and retention schedule() was given for its occurrences, checked as an enqueue's are. */
function occurrencePolicy(options: ScheduleOptions, where: string): OccurrencePolicy {
  checkPolicy(options, where, 'options.');
  const own: OccurrencePolicy = {};
  if (options.attempts !== undefined) own.maxAttempts = options.attempts;
  if (options.backoff !== undefined) own.backoff = checkBackoff(options.backoff, where, 'options.backoff');
  if (options.timeout !== undefined) own.timeoutMs = options.timeout;
  if (options.removeOnComplete !== undefined) own.removeOnComplete = checkRemoveOption(options.removeOnComplete, where, 'options.removeOnComplete');
  if (options.removeOnDead !== undefined) own.removeOnDead = checkRemoveOption(options.removeOnDead, where, 'options.removeOnDead');
  return own;
}

/**
 * Creates, changes, removes and lists schedules: the work behind
 * `TaskQueue.schedule / unschedule / schedules`, and the bootstrap save of
 * `@TaskHandler({ schedule })` declarations. Everything it knows is in the
 * store, so a change made here reaches every instance's firer without a restart.
 */
@Injectable()
export class TaskScheduler {
  private readonly listeners = new Set<() => void>();

  /** @internal Made by Nest's injector (left out of the built types, which would name optional peers). */
  constructor(
    @Inject(SCHEDULE_ENGINE) private readonly engine: ScheduleEngine,
    private readonly registry: TaskHandlerRegistry,
    @Inject(RESOLVED_TASK_OPTIONS) private readonly options: ResolvedTaskOptions,
    private readonly telemetry: TaskTelemetry,
  ) {}

  /** Calls `listener` after each change made through this instance (the local firer looks again at once). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Creates or replaces schedule `id`. An unchanged timing keeps its next due time; a new one starts from now. */
  async schedule<P>(id: string, task: string | TaskDefinition<unknown, unknown, unknown>, payload: P, options: ScheduleOptions): Promise<ScheduleInfo<P>> {
    const scheduleId = checkName(id, 'schedule', 'the schedule id');
    const where = `schedule('${scheduleId}')`;
    // A definition stands for its name; its options act as the handler's in an app without the handler, as for enqueue.
    const taskDefinition = typeof task === 'object' && task !== null ? task : undefined;
    if (taskDefinition && (typeof taskDefinition.name !== 'string' || typeof taskDefinition.options !== 'object')) {
      // The arguments in another order, most likely: schedule(id, nameOrDefinition, payload, { cron | every }).
      throw new InvalidTaskOptionsError(
        `${where}: the task must be a name or a definition made by defineTask(), got an object with keys ${JSON.stringify(Object.keys(taskDefinition))} ` +
          '(the arguments are schedule(id, nameOrDefinition, payload, { cron | every, timezone?, queue?, priority?, attempts?, ... }))',
      );
    }
    const taskName = checkName(taskDefinition ? taskDefinition.name : task, where, 'the task name');
    const spec = checkScheduleSpec(options, where, 'options', OCCURRENCE_OPTION_KEYS);
    const own = occurrencePolicy(options, where);
    const priority = options.priority === undefined ? 0 : checkPriority(options.priority, where, 'options.priority');
    const handler = this.registry.defaultsFor(taskName) ?? (taskDefinition && definitionDefaults(taskDefinition, this.options.maxPayloadBytes));
    const queue = options.queue === undefined ? handler?.queue ?? DEFAULTS.queue : checkQueueName(options.queue, where, 'queue');
    const payloadJson = encodePayload(payload, where, this.options.maxPayloadBytes);
    // Refused now rather than at every occurrence: each would end dead on it.
    const schema = taskDefinition?.schema ?? this.registry.get(taskName)?.schema;
    if (schema) await validatePayload(schema, JSON.parse(payloadJson) as unknown, taskName, where);
    const definition = defineSchedule({ id: scheduleId, name: taskName, queue, payloadJson, spec, priority }, handler, fallbackPolicy(this.options, queue), own);
    // Occurrences start traces of their own, linked to this call's (see TaskTracing).
    const traceContext = this.telemetry.tracing?.activeCarrier();
    if (traceContext !== undefined) definition.traceContext = traceContext;
    return (await this.save(definition, where)) as ScheduleInfo<P>;
  }

  /** Removes schedule `id`; false when there was none. Occurrences already enqueued stay. */
  async unschedule(id: string): Promise<boolean> {
    const removed = await this.engine.remove(checkName(id, 'unschedule', 'the schedule id'));
    this.changed();
    return removed;
  }

  /** Every schedule of the prefix, by id. */
  async list(): Promise<ScheduleInfo[]> {
    const stored = await this.engine.list();
    return stored.map((s) => scheduleInfo(s)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Whether this app's handlers declare any schedule. */
  hasDeclared(): boolean {
    return this.registry.scheduled().length > 0;
  }

  /** Saves the schedules this app's handlers declare (each schedule's id is its task name); how many there are. */
  async saveDeclared(): Promise<number> {
    const declared = this.registry.scheduled();
    for (const handler of declared) {
      const where = `@TaskHandler('${handler.name}') schedule`;
      const { spec, payloadJson, priority } = handler.schedule;
      const input = { id: handler.name, name: handler.name, queue: handler.queue, payloadJson, spec, priority };
      await this.save(defineSchedule(input, handler.defaults, fallbackPolicy(this.options, handler.queue)), where);
    }
    return declared.length;
  }

  private async save(definition: ScheduleDefinition, where: string): Promise<ScheduleInfo> {
    const now = await this.engine.now();
    const first = firstOccurrence(definition.spec, now);
    if (first === null) throw new InvalidTaskOptionsError(`${where}: cron expression '${definition.spec.cron}' has no future occurrence`);
    const { next } = await this.engine.save(definition, first);
    this.changed();
    return scheduleInfo({ ...definition, payload: JSON.parse(definition.payloadJson) as unknown, next });
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
