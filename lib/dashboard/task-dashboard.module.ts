import { Module, type DynamicModule } from '@nestjs/common';
import { ExternalContextCreator, HttpAdapterHost } from '@nestjs/core';
import { DashboardActions } from './dashboard-actions.js';
import { DashboardExposureCheck } from './dashboard-exposure-check.js';
import { createDashboardController } from './dashboard-controller.factory.js';
import { DashboardHeadersInterceptor } from './dashboard-headers.interceptor.js';
import { DashboardTimeoutInterceptor } from './dashboard-timeout.interceptor.js';
import { resolveDashboardOptions, type TaskDashboardOptions } from './dashboard-options.js';
import { DashboardReader } from './dashboard-reader.js';
import { DashboardSecurity } from './dashboard-security.js';

/**
 * A web dashboard of the app's task queues, served by the app itself at
 * `path`: import it beside TaskModule.forRoot (it uses the app's TaskQueue).
 * Works on the Express and the Fastify adapters.
 */
@Module({})
export class TaskDashboardModule {
  /** Serves the dashboard at `options.path`, behind `options.guards` (whose dependencies `options.imports` provides); `readOnly` shows and allows no action. */
  static forRoot(options: TaskDashboardOptions): DynamicModule {
    const resolved = resolveDashboardOptions(options);
    const security = new DashboardSecurity(resolved.readOnly);
    return {
      module: TaskDashboardModule,
      // The guards are instantiated here, in the dashboard's module: their dependencies come from these modules (or global ones).
      imports: resolved.imports,
      controllers: [createDashboardController(resolved, security)],
      providers: [
        DashboardReader,
        DashboardActions,
        DashboardHeadersInterceptor,
        DashboardTimeoutInterceptor,
        {
          provide: DashboardExposureCheck,
          useFactory: (creator: ExternalContextCreator, http: HttpAdapterHost) => new DashboardExposureCheck(resolved, creator, http),
          inject: [ExternalContextCreator, HttpAdapterHost],
        },
      ],
    };
  }
}
