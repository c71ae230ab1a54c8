import { Injectable, type CallHandler, type NestInterceptor } from '@nestjs/common';
import { timeout, type Observable } from 'rxjs';

/** How long a dashboard request waits for its answer. */
export const DASHBOARD_REPLY_TIMEOUT_MS = 10_000;

/**
 * Bounds every dashboard request: a Redis that holds the connection open but
 * stops answering would otherwise leave each request (and, the page polling
 * every 2 s, more and more of them) waiting for good. The TimeoutError becomes
 * a 503 in DashboardErrorsFilter.
 */
@Injectable()
export class DashboardTimeoutInterceptor implements NestInterceptor {
  intercept(_context: unknown, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(timeout({ first: DASHBOARD_REPLY_TIMEOUT_MS }));
  }
}
