import { Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { ExternalContextCreator, HttpAdapterHost } from '@nestjs/core';
import { hasGlobalGuard } from '../execution/global-enhancers.js';
import type { ResolvedDashboardOptions } from './dashboard-options.js';

/**
 * Warns once at start-up when nothing guards the dashboard: no guard of its
 * own (and `guards` left out, not `[]`) and no global guard in the app. The
 * page shows every payload, result and error, and acts on tasks, so an open
 * one is worth a line in the log of whoever deployed it; the app's global
 * guards are only known by then. An app with no HTTP server (a worker process
 * built from the same module as the API, with createApplicationContext)
 * serves nothing, and says nothing.
 */
export class DashboardExposureCheck implements OnApplicationBootstrap {
  private readonly logger = new Logger('TaskDashboard');

  constructor(
    private readonly options: ResolvedDashboardOptions,
    private readonly contextCreator: ExternalContextCreator,
    private readonly http: HttpAdapterHost,
  ) {}

  onApplicationBootstrap(): void {
    if (this.options.guardsGiven || !this.http.httpAdapter || hasGlobalGuard(this.contextCreator) !== false) return;
    const acts = this.options.readOnly ? '' : ', and retry, remove and drain tasks';
    this.logger.warn(
      `TaskDashboardModule at '/${this.options.path}' has no guard and the app has no global guard: anyone who can reach the app ` +
        `can read every task's payload, result and error${acts}. Pass your auth guard in guards, ` +
        `or guards: [] if it is meant to be open (a private network, a proxy that authenticates)`,
    );
  }
}
