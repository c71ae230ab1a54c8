import { Injectable, Module, Scope, type CanActivate, type INestApplication, type Provider } from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { TaskModule } from '../../lib/index.js';
import { TaskDashboardModule } from '../../lib/dashboard/index.js';
import { CapturingLogger } from '../utils/capturing-logger.js';
import { TEST_CONNECTION, removePrefix, uniquePrefix } from '../utils/redis.js';

// An open dashboard shows every payload to whoever reaches the app: start-up
// says so once, unless a guard of its own or a global guard stands in front
// of it, or `guards: []` says it is meant to be open.

@Injectable()
class AllowAll implements CanActivate {
  canActivate(): boolean {
    return true;
  }
}

describe('TaskDashboardModule: the warning about an unguarded dashboard', () => {
  let app: INestApplication | undefined;
  const prefix = uniquePrefix('dash-exposure');
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });
  afterAll(() => removePrefix(prefix));

  const start = async (dashboard: Parameters<typeof TaskDashboardModule.forRoot>[0], providers: Provider[] = [], globalGuard?: CanActivate) => {
    const logger = new CapturingLogger();
    const moduleRef = await Test.createTestingModule({
      imports: [TaskModule.forRoot({ connection: TEST_CONNECTION, prefix, worker: false }), TaskDashboardModule.forRoot(dashboard)],
      providers,
    }).compile();
    app = moduleRef.createNestApplication({ logger });
    if (globalGuard) app.useGlobalGuards(globalGuard);
    await app.init();
    return logger.lines.filter((line) => line.startsWith('warn') && line.includes('TaskDashboardModule'));
  };

  it('warns once, naming the path and that anyone can read payloads and act on tasks', async () => {
    const warnings = await start({ path: '/ops/tasks' });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/at '\/ops\/tasks' has no guard and the app has no global guard: anyone who can reach the app can read every task's payload, result and error, and retry, remove and drain tasks\. Pass your auth guard in guards, or guards: \[\]/);
  });

  it('leaves the actions out of it when the dashboard is read-only', async () => {
    const warnings = await start({ path: '/tasks', readOnly: true });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("payload, result and error. Pass");
  });

  const quiet: [string, Parameters<typeof TaskDashboardModule.forRoot>[0], Provider[]][] = [
    ['a guard of its own', { path: '/tasks', guards: [AllowAll] }, []],
    ['guards: [], saying it is meant to be open', { path: '/tasks', guards: [] }, []],
    ['an APP_GUARD', { path: '/tasks' }, [{ provide: APP_GUARD, useClass: AllowAll }]],
    ['a request-scoped APP_GUARD', { path: '/tasks' }, [{ provide: APP_GUARD, useClass: AllowAll, scope: Scope.REQUEST }]],
  ];
  it.each(quiet)('says nothing with %s', async (_, dashboard, providers) => {
    expect(await start(dashboard, providers)).toEqual([]);
  });

  it('says nothing in an app without an HTTP server (a worker process built from the API module)', async () => {
    const logger = new CapturingLogger();
    @Module({ imports: [TaskModule.forRoot({ connection: TEST_CONNECTION, prefix, worker: false }), TaskDashboardModule.forRoot({ path: '/tasks' })] })
    class WorkerProcessModule {}
    const context = await NestFactory.createApplicationContext(WorkerProcessModule, { logger });
    await context.close();
    expect(logger.lines.filter((line) => line.startsWith('warn'))).toEqual([]);
    // Bootstrap ran, with the dashboard's module in it: Nest's own start-up line for it is there.
    expect(logger.lines).toContain('log TaskDashboardModule dependencies initialized InstanceLoader');
  });

  it('says nothing with a guard from useGlobalGuards', async () => {
    expect(await start({ path: '/tasks' }, [], new AllowAll())).toEqual([]);
  });
});
