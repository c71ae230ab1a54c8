import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { checkKnownKeys, checkName } from '../config/option-checks.js';
import { OnWorkerEventMeta, type OnWorkerEventMetadata } from '../decorators/on-worker-event.decorator.js';
import { providerMethods } from '../discovery/provider-methods.js';
import { InvalidTaskOptionsError } from '../errors/invalid-task-options.error.js';
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
    for (const { instance, method, source, isStatic } of providerMethods(this.discovery, this.scanner)) {
      const metas = this.reflector.get(OnWorkerEventMeta, method);
      if (!metas) continue;
      if (!isStatic) {
        this.logger.warn(`${source}: request-scoped providers cannot host @OnWorkerEvent listeners; skipped`);
        continue;
      }
      for (const meta of metas) this.events.add(checkWorkerBinding(meta, source, (event: WorkerEvent) => method.call(instance, event)));
    }
  }
}

/** Checks one @OnWorkerEvent's arguments; throws InvalidTaskOptionsError naming the method. */
export function checkWorkerBinding(meta: OnWorkerEventMetadata, source: string, call: (event: WorkerEvent) => unknown): WorkerEventBinding {
  const where = `@OnWorkerEvent on ${source}`;
  if (typeof meta.type !== 'string' || !TYPES.includes(meta.type)) {
    throw new InvalidTaskOptionsError(`${where}: unknown event type ${JSON.stringify(meta.type)} (known: ${TYPES.join(', ')})`);
  }
  const options: unknown = meta.options;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new InvalidTaskOptionsError(`${where}: options must be an object { name?, queue? }, got ${JSON.stringify(options)}`);
  }
  checkKnownKeys(options, ['name', 'queue'], where, '');
  const { name, queue } = options as { name?: unknown; queue?: unknown };
  const taskName = name !== null && typeof name === 'object' ? (name as { name?: unknown }).name : name;
  return {
    type: meta.type,
    queue: queue === undefined ? null : checkName(queue, where, 'queue'),
    name: taskName === undefined ? null : checkName(taskName, where, 'name'),
    source,
    call,
  };
}
