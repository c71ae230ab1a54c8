import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { tap, type Observable } from 'rxjs';
import type { TaskContext } from 'nestjs-redis-tasks';
import { printLine } from '../print.js';

/** Prints one line when an attempt starts and one when it ends: an ordinary Nest interceptor on task handlers. */
@Injectable()
export class LifecycleInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const task = context.switchToRpc().getContext<TaskContext>();
    const label = `${task.name} #${task.id}`;
    const started = Date.now();
    printLine(`${label}: attempt ${task.attempt}/${task.maxAttempts} started (context type '${context.getType()}')`);
    return next.handle().pipe(
      tap({
        next: () => printLine(`${label}: attempt ${task.attempt} succeeded in ${Date.now() - started} ms`),
        error: (error: Error) => printLine(`${label}: attempt ${task.attempt} failed: ${error.message}`),
      }),
    );
  }
}
