import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { providerMethods } from './provider-methods.js';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { TaskHandlerMeta, type TaskHandlerMetadata } from '../decorators/task-handler.decorator.js';
import { InvalidTaskOptionsError } from '../errors/invalid-task-options.error.js';
import { TaskPipelineFactory } from '../execution/task-pipeline.factory.js';
import { RESOLVED_TASK_OPTIONS, type ResolvedPolicy, type ResolvedTaskOptions } from '../config/resolved-options.js';
import { checkBackoff, checkInteger, checkName, checkPolicy } from '../config/option-checks.js';
import { encodeRemoveOption } from '../producer/enqueue-options.normalizer.js';
import { encodePayload } from '../engine/payload-json.js';
import { checkScheduleSpec } from '../policies/schedule-timing.js';
import { TaskHandlerRegistry, type DeclaredSchedule } from './task-handler.registry.js';

/**
 * Finds every @TaskHandler method on the app's providers at module init,
 * checks its options and registers it, wrapped in Nest's pipeline. Runs before
 * any Redis connection opens, so a bad handler fails bootstrap cleanly.
 */
@Injectable()
export class TaskHandlerExplorer implements OnModuleInit {
  private readonly logger = new Logger('TaskModule');

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly pipelines: TaskPipelineFactory,
    private readonly registry: TaskHandlerRegistry,
    @Inject(RESOLVED_TASK_OPTIONS) private readonly options: ResolvedTaskOptions,
  ) {}

  onModuleInit(): void {
    for (const { instance, methodName, method, source, isStatic } of providerMethods(this.discovery, this.scanner)) {
      const meta = this.reflector.get(TaskHandlerMeta, method);
      if (!meta) continue;
      if (!isStatic) {
        this.logger.warn(`${source}: request-scoped providers cannot host task handlers; skipped`);
        continue;
      }
      this.register(instance, methodName, meta, source);
    }
  }

  private globalLimit(meta: TaskHandlerMetadata, name: string, where: string): number | null {
    if (meta.globalConcurrency === undefined) return null;
    // The limits travel to Redis as 'name=limit;...'.
    if (/[;=]/.test(name)) throw new InvalidTaskOptionsError(`${where}: a task name with globalConcurrency cannot contain ';' or '='`);
    return checkInteger(meta.globalConcurrency, where, 'globalConcurrency', 1);
  }

  /** A declared schedule, checked here so a bad cron or timezone fails bootstrap before Redis is touched. */
  private declaredSchedule(meta: TaskHandlerMetadata, where: string): DeclaredSchedule | undefined {
    if (meta.schedule === undefined) return undefined;
    const spec = checkScheduleSpec(meta.schedule, where, 'schedule', ['payload']);
    const payload = meta.schedule.payload === undefined ? null : meta.schedule.payload;
    return { spec, payloadJson: encodePayload(payload, `${where} schedule`, this.options.maxPayloadBytes) };
  }

  private register(instance: object, methodName: string, meta: TaskHandlerMetadata, source: string): void {
    const where = `@TaskHandler on ${source}`;
    const name = checkName(meta.name, where, 'the task name');
    const known = new Set(['name', 'queue', 'attempts', 'backoff', 'timeout', 'concurrency', 'globalConcurrency', 'removeOnComplete', 'removeOnDead', 'schedule']);
    for (const key of Object.keys(meta)) {
      if (!known.has(key)) throw new InvalidTaskOptionsError(`${where}: unknown option '${key}'`);
    }
    checkPolicy(meta, where);
    encodeRemoveOption(meta.removeOnComplete, where, 'removeOnComplete');
    encodeRemoveOption(meta.removeOnDead, where, 'removeOnDead');
    const policy: Partial<ResolvedPolicy> = {};
    if (meta.attempts !== undefined) policy.attempts = meta.attempts;
    if (meta.backoff !== undefined) policy.backoff = checkBackoff(meta.backoff, where);
    if (meta.timeout !== undefined) policy.timeout = meta.timeout;
    this.registry.register({
      name,
      queue: meta.queue === undefined ? 'default' : checkName(meta.queue, where, 'queue'),
      concurrency: meta.concurrency === undefined ? null : checkInteger(meta.concurrency, where, 'concurrency', 1),
      globalConcurrency: this.globalLimit(meta, name, where),
      removeOnComplete: meta.removeOnComplete,
      removeOnDead: meta.removeOnDead,
      policy,
      invoke: this.pipelines.create(instance, methodName),
      schedule: this.declaredSchedule(meta, where),
      source,
    });
  }
}
