import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { RESOLVED_TASK_OPTIONS, type ResolvedTaskOptions } from '../config/resolved-options.js';
import { TaskHandlerMeta } from '../decorators/task-handler.decorator.js';
import { TaskPipelineFactory } from '../execution/task-pipeline.factory.js';
import { normalizeHandlerOptions } from './handler-options.normalizer.js';
import { providerMethods } from './provider-methods.js';
import { TaskHandlerRegistry } from './task-handler.registry.js';

/**
 * Finds every @TaskHandler method on the app's providers at module init,
 * checks its options and registers it, wrapped in Nest's pipeline (per task
 * for a request-scoped provider). Runs before any Redis connection opens, so
 * a bad handler fails bootstrap cleanly.
 */
@Injectable()
export class TaskHandlerExplorer implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly pipelines: TaskPipelineFactory,
    private readonly registry: TaskHandlerRegistry,
    @Inject(RESOLVED_TASK_OPTIONS) private readonly options: ResolvedTaskOptions,
  ) {}

  onModuleInit(): void {
    for (const { instance, methodName, method, source, isStatic, provider } of providerMethods(this.discovery, this.scanner)) {
      const meta = this.reflector.get(TaskHandlerMeta, method);
      if (!meta) continue;
      const settings = normalizeHandlerOptions(meta, source, this.options.maxPayloadBytes);
      // A request-scoped (or durable) provider gets an instance per task, resolved as Nest resolves one per request.
      const invoke = isStatic ? this.pipelines.create(instance, methodName) : this.pipelines.createScoped(instance, methodName, provider);
      this.registry.register({ ...settings, queue: settings.defaults.queue, invoke, source });
    }
    this.registry.markComplete();
  }
}
