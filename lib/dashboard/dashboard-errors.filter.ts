import { Catch, ServiceUnavailableException, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { TimeoutError } from 'rxjs';
import { TaskStoreError } from '../errors/task-store.error.js';
import { SECURITY_HEADERS } from './dashboard-security.js';
import { DASHBOARD_REPLY_TIMEOUT_MS } from './dashboard-timeout.interceptor.js';

/**
 * The dashboard's error replies: with its security headers on every one (a
 * guard's refusal comes before any interceptor could set them), and a store
 * failure as 503 with its message (which says what failed and never holds a
 * credential) rather than Nest's bare 500, so the page can show why. The rest
 * is Nest's own handling.
 */
@Catch()
export class DashboardErrorsFilter extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): void {
    const adapter = this.httpAdapterHost?.httpAdapter;
    const response: unknown = host.switchToHttp().getResponse();
    if (adapter) for (const [name, value] of Object.entries(SECURITY_HEADERS)) adapter.setHeader(response, name, value);
    super.catch(asReply(exception), host);
  }
}

function asReply(exception: unknown): unknown {
  if (exception instanceof TaskStoreError) return new ServiceUnavailableException(exception.message, { cause: exception });
  if (exception instanceof TimeoutError) {
    return new ServiceUnavailableException(`Redis did not answer within ${DASHBOARD_REPLY_TIMEOUT_MS / 1000} s; the page tries again by itself`);
  }
  return exception;
}
