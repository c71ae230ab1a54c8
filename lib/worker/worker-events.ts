import { Injectable, Logger } from '@nestjs/common';
import type { WorkerEvent, WorkerEventType } from '../interfaces/worker-event.interface.js';

/** One checked @OnWorkerEvent: which events go to which method. */
export interface WorkerEventBinding {
  type: WorkerEventType;
  /** Only this queue's events; null: every queue. */
  queue: string | null;
  /** Only tasks of this name; null: all. */
  name: string | null;
  /** `Class.method`, for log lines. */
  source: string;
  call(event: WorkerEvent): unknown;
}

/**
 * The in-process events of this app's worker, handed synchronously to the
 * @OnWorkerEvent methods that asked for them. The worker asks `wants(type)`
 * before building an event, so an app without listeners pays nothing per
 * task. A listener that throws or rejects is logged and affects nothing else.
 */
@Injectable()
export class WorkerEvents {
  private readonly logger = new Logger('TaskModule');
  private readonly byType = new Map<WorkerEventType, WorkerEventBinding[]>();

  add(binding: WorkerEventBinding): void {
    this.byType.set(binding.type, [...(this.byType.get(binding.type) ?? []), binding]);
  }

  /** Whether any listener takes events of `type`. */
  wants(type: WorkerEventType): boolean {
    return this.byType.has(type);
  }

  emit(event: WorkerEvent): void {
    for (const binding of this.byType.get(event.type) ?? []) {
      if (binding.queue !== null && binding.queue !== event.queue) continue;
      if (binding.name !== null && event.type !== 'error' && binding.name !== event.name) continue;
      try {
        const returned = binding.call(event);
        if (returned instanceof Promise) returned.catch((error: unknown) => this.report(binding, event, error));
      } catch (error) {
        this.report(binding, event, error);
      }
    }
  }

  private report(binding: WorkerEventBinding, event: WorkerEvent, error: unknown): void {
    const about = event.type === 'error' ? `queue '${event.queue}'` : `task ${event.id} ('${event.name}') of queue '${event.queue}'`;
    const message = error instanceof Error ? error.message : String(error);
    this.logger.error(`@OnWorkerEvent('${binding.type}') ${binding.source} failed on ${about}: ${message}`, error instanceof Error ? error.stack : undefined);
  }
}
