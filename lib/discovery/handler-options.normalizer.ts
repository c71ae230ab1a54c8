import { DEFAULTS } from '../config/defaults.js';
import { taskOptionHint } from '../config/renamed-options.js';
import { checkBackoff, checkInteger, checkName, checkPolicy, checkPriority, checkQueueName, checkRemoveOption, type OptionKeys } from '../config/option-checks.js';
import type { ResolvedPolicy } from '../config/resolved-options.js';
import { checkScheduleSpec } from '../config/schedule-spec.checks.js';
import type { TaskHandlerMetadata } from '../decorators/task-handler.decorator.js';
import { encodePayload } from '../engine/payload-json.js';
import { InvalidTaskOptionsError } from '../errors/invalid-task-options.error.js';
import type { RetentionOverride } from '../interfaces/retention-option.js';
import type { TaskSchema } from '../interfaces/task-definition.interface.js';
import type { TaskHandlerOptions } from '../interfaces/task-handler-options.interface.js';
import type { ScheduleSpec } from '../policies/schedule-timing.js';

const HANDLER_KEYS = {
  queue: true, attempts: true, backoff: true, timeout: true, concurrency: true, globalConcurrency: true,
  removeOnComplete: true, removeOnDead: true, schedule: true,
} as const satisfies OptionKeys<TaskHandlerOptions>;

/** What enqueue and schedules take from this app's handler of a task name. */
export interface HandlerDefaults extends Partial<ResolvedPolicy> {
  queue: string;
  removeOnComplete: RetentionOverride | null;
  removeOnDead: RetentionOverride | null;
}

/** A recurring schedule declared with `@TaskHandler(name, { schedule })`, validated at bootstrap. */
export interface DeclaredSchedule {
  spec: ScheduleSpec;
  payloadJson: string;
  priority: number;
}

/** A handler's options after validation. */
export interface HandlerSettings {
  name: string;
  defaults: HandlerDefaults;
  /** Most runs at once in this process, or null for no handler-level limit. */
  concurrency: number | null;
  /** Most runs at once across the fleet, or null. */
  globalConcurrency: number | null;
  /** The schedule its options declare, if any (upserted at bootstrap with the task name as its id). */
  schedule?: DeclaredSchedule;
  /** The payload schema of its definition, checked at enqueue and before each run. */
  schema?: TaskSchema;
}

/**
 * Checks what @TaskHandler stored on `source` (a "Class.method"): every
 * option, the declared schedule (a bad cron or timezone fails bootstrap before
 * Redis is touched) and its payload. Throws InvalidTaskOptionsError naming the method.
 */
export function normalizeHandlerOptions(meta: TaskHandlerMetadata, source: string, maxPayloadBytes: number): HandlerSettings {
  const where = `@TaskHandler on ${source}`;
  if (meta.badArguments) throw new InvalidTaskOptionsError(`${where}: ${meta.badArguments}`);
  const name = checkName(meta.name, where, 'the task name');
  for (const key of Object.keys(meta)) {
    if (key !== 'name' && key !== 'schema' && key !== 'besideDefinition' && !Object.hasOwn(HANDLER_KEYS, key)) {
      throw new InvalidTaskOptionsError(`${where}: unknown option '${key}' (known: ${Object.keys(HANDLER_KEYS).join(', ')})${taskOptionHint(key)}`);
    }
  }
  if (meta.besideDefinition) {
    const keys = meta.besideDefinition.map((key) => `'${key}'`).join(', ');
    throw new InvalidTaskOptionsError(
      `${where}: ${keys} cannot be set beside the definition '${name}': an app that enqueues it without this handler ` +
        `would not know ${meta.besideDefinition.length > 1 ? 'them' : 'it'}, and would store the task with the definition's queue and policy. ` +
        `Set ${meta.besideDefinition.length > 1 ? 'them' : 'it'} in defineTask('${name}', { ... }); beside a definition, @TaskHandler takes only concurrency, globalConcurrency and schedule`,
    );
  }
  checkPolicy(meta, where);
  const defaults: HandlerDefaults = {
    queue: meta.queue === undefined ? DEFAULTS.queue : checkQueueName(meta.queue, where, 'queue'),
    removeOnComplete: checkRemoveOption(meta.removeOnComplete, where, 'removeOnComplete'),
    removeOnDead: checkRemoveOption(meta.removeOnDead, where, 'removeOnDead'),
  };
  if (meta.attempts !== undefined) defaults.attempts = meta.attempts;
  if (meta.backoff !== undefined) defaults.backoff = checkBackoff(meta.backoff, where);
  if (meta.timeout !== undefined) defaults.timeout = meta.timeout;
  let schedule: DeclaredSchedule | undefined;
  if (meta.schedule !== undefined) {
    const spec = checkScheduleSpec(meta.schedule, where, 'schedule', ['payload', 'priority']);
    const payload = meta.schedule.payload === undefined ? null : meta.schedule.payload;
    const priority = meta.schedule.priority === undefined ? 0 : checkPriority(meta.schedule.priority, where, 'schedule.priority');
    schedule = { spec, payloadJson: encodePayload(payload, `${where} schedule`, maxPayloadBytes), priority };
  }
  return {
    name,
    defaults,
    concurrency: meta.concurrency === undefined ? null : checkInteger(meta.concurrency, where, 'concurrency', 1),
    globalConcurrency: meta.globalConcurrency === undefined ? null : checkInteger(meta.globalConcurrency, where, 'globalConcurrency', 1),
    ...(schedule && { schedule }),
    ...(meta.schema !== undefined && { schema: meta.schema }),
  };
}
