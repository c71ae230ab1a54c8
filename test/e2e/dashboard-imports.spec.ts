import { Injectable, Module, type CanActivate, type ExecutionContext, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { InvalidTaskOptionsError, TaskModule } from '../../lib/index.js';
import { TaskDashboardModule } from '../../lib/dashboard/index.js';
import { TEST_CONNECTION, removePrefix, uniquePrefix } from '../utils/redis.js';

// A guard with dependencies of its own (a JWT guard that needs the auth
// module's service) is instantiated in the dashboard's module: `imports`
// brings that module's providers there, as a module's own imports would.

@Injectable()
class KeyService {
  allows(key: string | undefined): boolean {
    return key === 'let-me-in';
  }
}

/** Not global: only a module that imports it can inject KeyService. */
@Module({ providers: [KeyService], exports: [KeyService] })
class AuthModule {}

@Injectable()
class KeyGuard implements CanActivate {
  constructor(private readonly keys: KeyService) {}

  canActivate(context: ExecutionContext): boolean {
    const headers = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>().headers;
    return this.keys.allows(headers['x-key']);
  }
}

describe('TaskDashboardModule.forRoot imports', () => {
  let app: INestApplication | undefined;
  const prefix = uniquePrefix('dash-imports');
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await removePrefix(prefix);
  });

  const start = async (dashboard: Parameters<typeof TaskDashboardModule.forRoot>[0]) => {
    const moduleRef = await Test.createTestingModule({
      imports: [TaskModule.forRoot({ connection: TEST_CONNECTION, prefix, worker: false }), TaskDashboardModule.forRoot(dashboard)],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    return (await app.getUrl()).replace('[::1]', '127.0.0.1').replace('localhost', '127.0.0.1');
  };

  it('lets a guard inject a service of a module the dashboard imports', async () => {
    const origin = await start({ path: '/tasks', imports: [AuthModule], guards: [KeyGuard] });
    expect((await fetch(`${origin}/tasks/api/overview`)).status).toBe(403);
    expect((await fetch(`${origin}/tasks/api/overview`, { headers: { 'x-key': 'let-me-in' } })).status).toBe(200);
    expect((await fetch(`${origin}/tasks`, { headers: { 'x-key': 'nope' } })).status).toBe(403);
  });

  it("without it, says which dependency Nest cannot resolve (the guard's module is not the dashboard's)", async () => {
    await expect(start({ path: '/tasks', guards: [KeyGuard] })).rejects.toThrow(/can't resolve dependencies of the KeyGuard/);
  });

  it('refuses imports that are not an array', () => {
    expect(() => TaskDashboardModule.forRoot({ path: '/tasks', imports: AuthModule } as never)).toThrow(InvalidTaskOptionsError);
    expect(() => TaskDashboardModule.forRoot({ path: '/tasks', imports: AuthModule } as never)).toThrow('imports must be an array of modules');
    expect(() => TaskDashboardModule.forRoot({ path: '/tasks', imports: [null] } as never)).toThrow('imports must be an array of modules');
    expect(TaskDashboardModule.forRoot({ path: '/tasks', imports: [] }).imports).toEqual([]);
  });
});
