import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { RESOLVED_TASK_OPTIONS, type ResolvedTaskOptions } from '../config/resolved-options.js';
import { OnTaskEventMeta } from '../decorators/on-task-event.decorator.js';
import { OnWorkerEventMeta } from '../decorators/on-worker-event.decorator.js';
import { TaskHandlerMeta } from '../decorators/task-handler.decorator.js';
import { InvalidTaskOptionsError } from '../errors/invalid-task-options.error.js';
import { TaskPipelineFactory } from '../execution/task-pipeline.factory.js';
import { normalizeHandlerOptions } from './handler-options.normalizer.js';
import { checkServedQueues } from './served-queues.js';
import { controllerMethods, providerMethods } from './provider-methods.js';
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
    this.refuseControllers();
    for (const { instance, methodName, method, source, module, isStatic, isTransient, provider } of providerMethods(this.discovery, this.scanner)) {
      const meta = this.reflector.get(TaskHandlerMeta, method);
      if (!meta) continue;
      if (isTransient) {
        throw new InvalidTaskOptionsError(
          `@TaskHandler on ${source}: its class is a transient provider (Scope.TRANSIENT), which Nest makes anew for each class that injects it, ` +
            'so there is no instance to run tasks on. Make it a default-scoped provider, or request-scoped (Scope.REQUEST) for an instance per task',
        );
      }
      const settings = normalizeHandlerOptions(meta, source, this.options.maxPayloadBytes);
      // A request-scoped (or durable) provider gets an instance per task, resolved as Nest resolves one per request.
      const invoke = isStatic ? this.pipelines.create(instance, methodName, provider.id) : this.pipelines.createScoped(instance, methodName, provider);
      this.registry.register({ ...settings, queue: settings.defaults.queue, invoke, source, module });
    }
    this.registry.markComplete();
    // Here, before any bootstrap hook: a typo must stop the app before schedules are saved or listeners subscribe.
    checkServedQueues(this.options, this.registry);
  }

  /**
   * Nest scans controllers for routes, not for tasks: a handler or listener
   * there would never run, so it stops bootstrap rather than being ignored.
   */
  private refuseControllers(): void {
    for (const { method, source } of controllerMethods(this.discovery, this.scanner)) {
      const found = [
        this.reflector.get(TaskHandlerMeta, method) && '@TaskHandler',
        this.reflector.get(OnTaskEventMeta, method) && '@OnTaskEvent',
        this.reflector.get(OnWorkerEventMeta, method) && '@OnWorkerEvent',
      ].find(Boolean);
      if (found) {
        throw new InvalidTaskOptionsError(
          `${found} on ${source}: that class is a controller, and only providers' methods run as task handlers and listeners. ` +
            'Move the method to an @Injectable() class listed in a module\'s providers',
        );
      }
    }
  }
}
