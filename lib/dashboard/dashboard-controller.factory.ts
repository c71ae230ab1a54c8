import { BadRequestException, Body, Controller, Get, Header, Headers, HttpCode, NotFoundException, Param, Post, Query, Req, UseFilters, UseGuards, UseInterceptors, type Type } from '@nestjs/common';
import { DashboardActions } from './dashboard-actions.js';
import { DashboardErrorsFilter } from './dashboard-errors.filter.js';
import { DashboardHeadersInterceptor } from './dashboard-headers.interceptor.js';
import { DashboardHostGuard } from './dashboard-host.guard.js';
import { DASHBOARD_ASSETS, dashboardPage, relativeBase } from './dashboard-page.js';
import { asBadRequest, queuePageQuery, retryDeadBody, schedulesPageQuery } from './dashboard-query.js';
import { DashboardReader } from './dashboard-reader.js';
import type { DashboardSecurity, RequestHeaders } from './dashboard-security.js';
import type { ResolvedDashboardOptions } from './dashboard-options.js';
import { DashboardTimeoutInterceptor } from './dashboard-timeout.interceptor.js';
import type { OverviewView, QueuePageView, SchedulesPageView, TaskPageView } from './dashboard-views.js';

/** The request fields the page route reads: the same on Express and Fastify. */
interface PageRequest {
  url?: string;
  originalUrl?: string;
}

/**
 * The dashboard's controller for one configured path, with the app's guards on
 * every route. Built per forRoot call because a controller's path and guards
 * are decorator arguments. Only Nest's own decorators are used (no Express or
 * Fastify objects), so it runs on either adapter.
 */
export function createDashboardController(options: ResolvedDashboardOptions, security: DashboardSecurity): Type<unknown> {
  @Controller(options.path)
  // The host check first: a request for another host is refused before the app's own guards run.
  @UseGuards(...(options.allowedHosts === null ? [] : [new DashboardHostGuard(options.allowedHosts)]), ...options.guards)
  @UseInterceptors(DashboardHeadersInterceptor, DashboardTimeoutInterceptor)
  @UseFilters(DashboardErrorsFilter)
  class TaskDashboardController {
    constructor(private readonly reader: DashboardReader, private readonly actions: DashboardActions) {}

    // The page at `path` and at `path/`: Nest strips one trailing slash from a route's path, so '//'
    // registers the second, which Fastify tells apart from the first (Express serves both at '').
    @Get(['', '//'])
    @Header('Content-Type', 'text/html; charset=utf-8')
    page(@Req() request: PageRequest): string {
      return dashboardPage(relativeBase(options.path, request.originalUrl ?? request.url ?? ''), security.token, options.readOnly);
    }

    @Get('assets/dashboard.js')
    @Header('Content-Type', 'text/javascript; charset=utf-8')
    script(): string {
      return DASHBOARD_ASSETS.js;
    }

    @Get('assets/dashboard.css')
    @Header('Content-Type', 'text/css; charset=utf-8')
    styles(): string {
      return DASHBOARD_ASSETS.css;
    }

    @Get('api/overview')
    overview(): Promise<OverviewView> {
      return this.reader.overview();
    }

    @Get('api/schedules')
    schedules(@Query() query: Record<string, unknown>): Promise<SchedulesPageView> {
      return this.reader.schedules(schedulesPageQuery(query));
    }

    @Get('api/queues/:queue')
    queuePage(@Param('queue') queue: string, @Query() query: Record<string, unknown>): Promise<QueuePageView> {
      return asBadRequest(() => this.reader.queuePage(queue, queuePageQuery(query)));
    }

    @Get('api/queues/:queue/tasks/:id')
    async taskPage(@Param('queue') queue: string, @Param('id') id: string): Promise<TaskPageView> {
      const view = await asBadRequest(() => this.reader.taskPage(queue, id));
      if (!view) {
        // An id pasted from a log line into another queue's page: where it is, rather than "gone".
        // Said when it can be: a failed look elsewhere leaves the page saying the task is not here, not "not updating".
        const foundIn = (await this.reader.findQueues(id).catch((): string[] => [])).filter((name) => name !== queue);
        const where = foundIn.length > 0 ? `; queue${foundIn.length > 1 ? 's' : ''} ${foundIn.map((q) => `'${q}'`).join(', ')} ${foundIn.length > 1 ? 'have' : 'has'} one` : '';
        throw new NotFoundException({
          statusCode: 404,
          error: 'Not Found',
          message: `no task '${id}' in queue '${queue}' (never added, cancelled, or removed by remove() or retention)${where}`,
          foundIn,
        });
      }
      return view;
    }

    @Post('api/queues/:queue/:action')
    @HttpCode(200)
    queueAction(@Headers() headers: RequestHeaders, @Param('queue') queue: string, @Param('action') action: string, @Body() body: unknown): Promise<unknown> {
      security.checkAction(headers);
      const actions: Record<string, () => Promise<unknown>> = {
        pause: () => this.actions.pause(queue),
        resume: () => this.actions.resume(queue),
        'retry-dead': () => this.actions.retryDead(queue, retryDeadBody(body).name),
        drain: () => this.actions.drain(queue),
      };
      const run = Object.hasOwn(actions, action) ? actions[action] : undefined;
      if (!run) throw new NotFoundException(`unknown queue action '${action}' (pause, resume, retry-dead, drain)`);
      return asBadRequest(run);
    }

    @Post('api/queues/:queue/tasks/:id/:action')
    @HttpCode(200)
    taskAction(@Headers() headers: RequestHeaders, @Param('queue') queue: string, @Param('id') id: string, @Param('action') action: string, @Body() body: unknown): Promise<unknown> {
      security.checkAction(headers);
      const hasPayload = body !== null && typeof body === 'object' && 'payload' in body;
      if (action === 'enqueue-again' && !hasPayload) throw new BadRequestException('enqueue-again needs a JSON body { "payload": ... }');
      const payload = hasPayload ? (body as { payload: unknown }).payload : undefined;
      const actions: Record<string, () => Promise<unknown>> = {
        retry: () => this.actions.retry(queue, id),
        promote: () => this.actions.promote(queue, id),
        cancel: () => this.actions.cancel(queue, id),
        remove: () => this.actions.remove(queue, id),
        'enqueue-again': () => this.actions.enqueueAgain(queue, id, payload),
      };
      const run = Object.hasOwn(actions, action) ? actions[action] : undefined;
      if (!run) throw new NotFoundException(`unknown task action '${action}' (retry, promote, cancel, remove, enqueue-again)`);
      return asBadRequest(run);
    }
  }
  return TaskDashboardController;
}
