import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { OnWorkerEventMeta, type OnWorkerEventMetadata } from '../decorators/on-worker-event.decorator.js';
import { providerMethods } from '../discovery/provider-methods.js';
import { checkListener } from '../discovery/listener-options.js';
import type { WorkerEvent, WorkerEventType } from '../interfaces/worker-event.interface.js';
import { WorkerEvents, type WorkerEventBinding } from './worker-events.js';

const TYPES: readonly WorkerEventType[] = ['active', 'progress', 'completed', 'failed', 'error'];

/**
 * Finds every @OnWorkerEvent method at module init, checks its arguments
 * (a bad one fails bootstrap, naming the method) and hands it to WorkerEvents.
 */
@Injectable()
export class WorkerEventListenerExplorer implements OnModuleInit {
  private readonly logger = new Logger('TaskModule');

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly events: WorkerEvents,
  ) {}

  onModuleInit(): void {
    for (const { instance, method, source, isStatic, isTransient } of providerMethods(this.discovery, this.scanner)) {
      const metas = this.reflector.get(OnWorkerEventMeta, method);
      if (!metas) continue;
      // Both have only a stand-in instance here (its constructor never ran): there is no one instance to call.
      if (!isStatic || isTransient) {
        this.logger.warn(`${source}: request-scoped and transient providers cannot host @OnWorkerEvent listeners; skipped`);
        continue;
      }
      for (const meta of metas) this.events.add(checkWorkerBinding(meta, source, (event: WorkerEvent) => method.call(instance, event)));
    }
  }
}

/** Checks one @OnWorkerEvent's arguments; throws InvalidTaskOptionsError naming the method. */
export function checkWorkerBinding(meta: OnWorkerEventMetadata, source: string, call: (event: WorkerEvent) => unknown): WorkerEventBinding {
  const { type, name, queue } = checkListener(meta, TYPES, `@OnWorkerEvent on ${source}`);
  return { type, queue: queue ?? null, name, source, call };
}
