import { Catch, ServiceUnavailableException, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { TimeoutError } from 'rxjs';
import { TaskStoreError } from '../errors/task-store.error.js';
import { applyDashboardHeaders } from './dashboard-security.js';
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
    if (adapter) applyDashboardHeaders(adapter, response);
    const method = (host.switchToHttp().getRequest() as { method?: unknown }).method;
    super.catch(asReply(exception, method !== 'GET' && method !== 'HEAD'), host);
  }
}

function asReply(exception: unknown, action: boolean): unknown {
  if (exception instanceof TaskStoreError) return new ServiceUnavailableException(exception.message, { cause: exception });
  if (exception instanceof TimeoutError) {
    // A read is polled again; an action is not, and it may still be carried out once Redis answers.
    const after = action ? 'Redis may still carry the action out: look before doing it again' : 'the page tries again by itself';
    return new ServiceUnavailableException(`Redis did not answer within ${DASHBOARD_REPLY_TIMEOUT_MS / 1000} s; ${after}`);
  }
  return exception;
}
