import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Observable } from 'rxjs';
import { applyDashboardHeaders } from './dashboard-security.js';

/**
 * Sets the dashboard's security headers (CSP, nosniff, no framing, no caching)
 * through the app's HTTP adapter, Express or Fastify alike, and takes off the
 * CORS headers an app-wide policy added.
 */
@Injectable()
export class DashboardHeadersInterceptor implements NestInterceptor {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const response: unknown = context.switchToHttp().getResponse();
    applyDashboardHeaders(this.adapterHost.httpAdapter, response);
    return next.handle();
  }
}
