import { Controller, Get, Injectable, Module, Scope } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { OnTaskEvent, OnWorkerEvent, TaskHandler, TaskModule } from '../../lib/index.js';
import { CapturingLogger } from '../utils/capturing-logger.js';
import { removePrefix, TEST_CONNECTION, uniquePrefix } from '../utils/redis.js';

// Handlers Nest could not run (on a transient provider, on a controller) stop
// bootstrap naming the method, a listener on a transient provider is skipped
// with a warning, and one class listed in two modules is named with both.

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

  it('names the two modules when one class is listed in both', async () => {
    await expect(boot({ imports: [OrdersModule, BillingModule] })).rejects.toThrow(
      "two handlers for task 'shared.run': SharedTasks.run (in OrdersModule) and SharedTasks.run (in BillingModule); task names must be unique in an app " +
        '(one class listed in the providers of two modules is two providers: list it in one module and export it from there)',
    );
  });
});
