import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { providerMethods } from '../discovery/provider-methods.js';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { OnTaskEventMeta, type OnTaskEventMetadata } from '../decorators/on-task-event.decorator.js';
import { DEFAULTS } from '../config/defaults.js';
import { RESOLVED_TASK_OPTIONS, queueSettings, type ResolvedTaskOptions } from '../config/resolved-options.js';
import { checkListener } from '../discovery/listener-options.js';
import { QueueEventHub } from './queue-event-hub.js';
import { TASK_ENGINE } from '../engine/engine.tokens.js';
import type { TaskEngine } from '../engine/task-engine.js';
import type { TaskEvent } from '../interfaces/task-event.interface.js';
import { createTaskEventListener, type TaskEventBinding } from './task-event-listener.js';
import { TASK_EVENT_TYPES } from '../interfaces/task-event-types.js';
import { TaskHandlerRegistry } from '../discovery/task-handler.registry.js';
import { taskEventHint } from '../config/renamed-options.js';

interface FoundListener {
  meta: OnTaskEventMetadata;
  source: string;
  call: (event: TaskEvent) => unknown;
}

/**
 * Finds every @OnTaskEvent method at module init and checks its arguments
 * (before any Redis connection opens, so a bad one fails bootstrap cleanly),
 * then subscribes them at bootstrap through the shared QueueEventHub: one
 * follower per queue, however many listeners it has. A listener filtered by
 * name without a queue follows the queue that name's tasks go to.
 */
@Injectable()
export class TaskEventListenerExplorer implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('TaskModule');
  private found: FoundListener[] = [];
  private unsubscribes: Array<() => Promise<void>> = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly hub: QueueEventHub,
    private readonly registry: TaskHandlerRegistry,
    @Inject(TASK_ENGINE) private readonly engine: TaskEngine,
    @Inject(RESOLVED_TASK_OPTIONS) private readonly options: ResolvedTaskOptions,
  ) {}

  onModuleInit(): void {
    const found: FoundListener[] = [];
    for (const { instance, method, source, isStatic, isTransient } of providerMethods(this.discovery, this.scanner)) {
      const metas = this.reflector.get(OnTaskEventMeta, method);
      if (!metas) continue;
      // Both have only a stand-in instance here (its constructor never ran): there is no one instance to call.
      if (!isStatic || isTransient) {
        this.logger.warn(`${source}: request-scoped and transient providers cannot host @OnTaskEvent listeners; skipped`);
        continue;
      }
      for (const meta of metas) {
        // Checked now, so a bad one fails before any connection opens; its queue is settled at bootstrap.
        checkBinding(meta, source);
        found.push({ meta, source, call: (event) => method.call(instance, event) });
      }
    }
    this.found = found;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.found.length === 0) return;
    // Redis first (see TaskEngine.ready): a follower would otherwise fail bootstrap with its own, quicker error.
    await this.engine.ready();
    // Resolved once every queue's follower has its start point: events after bootstrap reach the listeners.
    // Every handler is registered by now (module init is over): a listener by name follows its handler's queue.
    const handlerQueue = (name: string) => this.registry.get(name)?.queue;
    const served = [...this.registry.byQueue().keys()];
    const subscribed = await Promise.allSettled(
      this.found.map(({ meta, source, call }) => {
        const binding = checkBinding(meta, source, handlerQueue);
        if (fellBackToDefault(meta, binding) && served.length > 0 && !served.includes(DEFAULTS.queue) && !this.options.queues.has(DEFAULTS.queue)) {
          // A listener ported from a queue's own events class (BullMQ's @QueueEventsListener('emails')) without its queue hears nothing.
          this.logger.warn(
            `${source}: @OnTaskEvent('${binding.type}') follows queue '${DEFAULTS.queue}', as it names no queue (nor a task whose handler or ` +
              `definition names one), but this app's handlers serve ${served.map((q) => `'${q}'`).join(', ')}: give { queue } to follow another ` +
              `(or { queue: '${DEFAULTS.queue}' } if that is the one meant)`,
          );
        }
        if (queueSettings(this.options, binding.queue).eventsMaxLen === 0) {
          this.logger.warn(
            `${source}: @OnTaskEvent listens to queue '${binding.queue}', whose events are off (queues.${binding.queue}.events: false): ` +
              'it sees only the final events of tasks a waitFor is waiting on; turn the events on to see every one',
          );
        }
        return this.hub.subscribe(binding.queue, createTaskEventListener(binding, call, this.logger));
      }),
    );
    for (const result of subscribed) if (result.status === 'fulfilled') this.unsubscribes.push(result.value);
    const failed = subscribed.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** Listeners stop with the app, before the connections close. */
  async beforeApplicationShutdown(): Promise<void> {
    const unsubscribes = this.unsubscribes;
    this.unsubscribes = [];
    await Promise.all(unsubscribes.map((unsubscribe) => unsubscribe()));
  }
}

/**
 * Whether the listener's queue is 'default' only for want of another: it names
 * neither a queue nor a task (a task name is deliberate: its tasks may be
 * enqueued here to 'default' and run by another service).
 */
function fellBackToDefault(meta: OnTaskEventMetadata, binding: TaskEventBinding): boolean {
  const options = meta.options as { queue?: unknown; name?: unknown } | undefined;
  return binding.queue === DEFAULTS.queue && options?.queue === undefined && options?.name === undefined;
}

/**
 * Checks one @OnTaskEvent's arguments (throws InvalidTaskOptionsError naming
 * the method) and settles its queue as enqueue does for a task of that name:
 * the one given, else the queue of this app's handler for the name, else the
 * definition's, else 'default'.
 */
export function checkBinding(meta: OnTaskEventMetadata, source: string, handlerQueue: (name: string) => string | undefined = () => undefined): TaskEventBinding {
  const { type, name, queue, definitionQueue } = checkListener(meta, TASK_EVENT_TYPES, `@OnTaskEvent on ${source}`, taskEventHint);
  return { type, queue: queue ?? (name === null ? undefined : handlerQueue(name)) ?? definitionQueue ?? DEFAULTS.queue, name, source };
}
