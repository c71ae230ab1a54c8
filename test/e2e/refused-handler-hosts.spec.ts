import { Controller, Get, Injectable, Module, Scope, type DynamicModule } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { OnTaskEvent, OnWorkerEvent, TaskHandler, TaskModule, TaskQueue } from '../../lib/index.js';
import { CapturingLogger } from '../utils/capturing-logger.js';
import { removePrefix, TEST_CONNECTION, uniquePrefix } from '../utils/redis.js';

// Handlers Nest could not run (on a transient provider, on a controller) stop
// bootstrap naming the method, a listener on a transient provider is skipped
// with a warning, and one class listed in two modules is named with both. A
// provider aliased with useExisting is one instance: one handler, each
// listener called once.

@Injectable({ scope: Scope.TRANSIENT })
class TransientHost {
  @TaskHandler('transient.run')
  run() {
    return 1;
  }
}

@Injectable({ scope: Scope.TRANSIENT })
class TransientListener {
  @OnWorkerEvent('completed')
  completed() {
    return undefined;
  }
}

@Controller()
class TasksController {
  @Get('x')
  x() {
    return 'x';
  }

  @TaskHandler('controller.run')
  run() {
    return 1;
  }
}

@Controller()
class ListeningController {
  @OnTaskEvent('completed')
  seen() {
    return undefined;
  }
}

@Injectable()
class SharedTasks {
  @TaskHandler('shared.run')
  run() {
    return 1;
  }
}

@Module({ providers: [SharedTasks] })
class OrdersModule {}

@Module({ providers: [SharedTasks] })
class BillingModule {}

/** The port an app's code injects; the handler class is provided under it too (useExisting). */
abstract class Mailer {
  abstract readonly sent: string[];
}

@Injectable()
class SmtpMailer implements Mailer {
  readonly sent: string[] = [];
  readonly completions: string[] = [];
  readonly taskEvents: string[] = [];

  @TaskHandler('alias.mail')
  mail(payload: { to: string }) {
    this.sent.push(payload.to);
  }

  @OnWorkerEvent('completed')
  completed(event: { id: string }) {
    this.completions.push(event.id);
  }

  @OnTaskEvent('completed', { name: 'alias.mail' })
  seen(event: { id: string }) {
    this.taskEvents.push(event.id);
  }
}

@Module({ providers: [SmtpMailer], exports: [SmtpMailer] })
class MailModule {}

@Module({ imports: [MailModule], providers: [{ provide: 'MAIL_PORT', useExisting: SmtpMailer }] })
class NotifyModule {}

@Injectable()
class TenantTasks {
  @TaskHandler('tenant.run')
  run() {
    return 1;
  }
}

@Module({})
class TenantModule {
  static register(tenant: string): DynamicModule {
    return { module: TenantModule, providers: [TenantTasks, { provide: 'TENANT', useValue: tenant }] };
  }
}

describe('handlers Nest could not run are refused at bootstrap', () => {
  const prefix = uniquePrefix('refused-hosts');
  afterAll(() => removePrefix(prefix));

  const boot = (metadata: Parameters<typeof Test.createTestingModule>[0]) =>
    Test.createTestingModule({
      ...metadata,
      imports: [TaskModule.forRoot({ connection: TEST_CONNECTION, prefix }), ...(metadata.imports ?? [])],
    })
      .compile()
      .then(async (moduleRef) => {
        moduleRef.useLogger(false);
        const app = await moduleRef.init();
        await app.close();
      });

  it('refuses a handler on a transient provider, naming it', async () => {
    await expect(boot({ providers: [TransientHost] })).rejects.toThrow(
      /@TaskHandler on TransientHost\.run: its class is a transient provider \(Scope\.TRANSIENT\).*default-scoped provider, or request-scoped/,
    );
  });

  it('skips a listener on a transient provider with a warning naming it (its instance is only a stand-in)', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [TaskModule.forRoot({ connection: TEST_CONNECTION, prefix })],
      providers: [TransientListener],
    }).compile();
    const logger = new CapturingLogger();
    moduleRef.useLogger(logger);
    const app = await moduleRef.init();
    await app.close();
    expect(logger.lines).toContain('warn TransientListener.completed: request-scoped and transient providers cannot host @OnWorkerEvent listeners; skipped TaskModule');
  });

  it('refuses a handler or a listener on a controller, naming it', async () => {
    await expect(boot({ controllers: [TasksController] })).rejects.toThrow(
      /@TaskHandler on TasksController\.run: that class is a controller.*Move the method to an @Injectable\(\) class/,
    );
    await expect(boot({ controllers: [ListeningController] })).rejects.toThrow(/@OnTaskEvent on ListeningController\.seen: that class is a controller/);
  });

  it('runs a handler class aliased with useExisting (in its module and another) or a factory once, calling its listeners once', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [TaskModule.forRoot({ connection: TEST_CONNECTION, prefix, worker: { concurrency: 1 } }), MailModule, NotifyModule],
      // A factory that returns the instance is another token for it too.
      providers: [{ provide: Mailer, useExisting: SmtpMailer }, { provide: 'MAILER_FACTORY', useFactory: (mailer: SmtpMailer) => mailer, inject: [SmtpMailer] }],
    }).compile();
    moduleRef.useLogger(false);
    const app = await moduleRef.init();
    try {
      const queue = app.get(TaskQueue);
      const ref = await queue.enqueue('alias.mail', { to: 'ada@example.com' });
      await queue.waitFor(ref, { timeout: 5_000 });
      const mailer = app.get(SmtpMailer);
      expect(app.get(Mailer)).toBe(mailer);
      for (let i = 0; i < 100 && mailer.taskEvents.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      // A second call would come with the first: give it the time an event takes.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect({ sent: mailer.sent, completions: mailer.completions, taskEvents: mailer.taskEvents }).toEqual({
        sent: ['ada@example.com'],
        completions: [ref.id],
        taskEvents: [ref.id],
      });
    } finally {
      await app.close();
    }
  });

  it('says a dynamic module imported twice holds the handler twice', async () => {
    await expect(boot({ imports: [TenantModule.register('a'), TenantModule.register('b')] })).rejects.toThrow(
      "two handlers for task 'tenant.run': TenantTasks.run (in TenantModule) and TenantTasks.run (in TenantModule); task names must be unique in an app " +
        '(module TenantModule holds two instances of the class: it lists the class under two tokens (useClass), or it was imported twice as two dynamic modules',
    );
  });

  it('names the two modules when one class is listed in both', async () => {
    await expect(boot({ imports: [OrdersModule, BillingModule] })).rejects.toThrow(
      "two handlers for task 'shared.run': SharedTasks.run (in OrdersModule) and SharedTasks.run (in BillingModule); task names must be unique in an app " +
        '(one class listed in the providers of two modules is two providers: list it in one module and export it from there)',
    );
  });
});
