import { Injectable, Module, type DynamicModule, type INestApplicationContext, type LoggerService, type ModuleMetadata } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Redis } from 'ioredis';
import {
  DuplicateTaskHandlerError,
  InvalidTaskOptionsError,
  TaskHandler,
  type TaskContext,
  TaskModule,
  TaskQueue,
  type TaskModuleOptions,
  type TaskOptionsFactory,
} from '../../lib/index.js';
import { inspector, keysOf, REDIS_URL, removePrefix, uniquePrefix } from '../utils/redis.js';
import { sleep, waitUntil } from '../utils/wait.js';

@Injectable()
class ConfigTasks {
  runs = 0;

  @TaskHandler('cfg.double')
  async double(payload: { n: number }) {
    this.runs++;
    return payload.n * 2;
  }

  @TaskHandler('cfg.mail', { queue: 'emails', concurrency: 2 })
  async mail(payload: { to: string }) {
    return payload.to;
  }
}

/** A stand-in for @nestjs/config: a module exporting a configuration provider. */
class AppConfig {
  constructor(readonly redisUrl: string, readonly prefix: string) {}
}
@Module({})
class ConfigLikeModule {
  static register(prefix: string): DynamicModule {
    return { module: ConfigLikeModule, providers: [{ provide: AppConfig, useValue: new AppConfig(REDIS_URL, prefix) }], exports: [AppConfig] };
  }
}

@Injectable()
class TaskConfigService implements TaskOptionsFactory {
  static calls = 0;
  constructor(private readonly config: AppConfig) {}
  async createTaskOptions(): Promise<TaskModuleOptions> {
    TaskConfigService.calls++;
    return { connection: this.config.redisUrl, prefix: this.config.prefix, defaults: { attempts: 1 } };
  }
}
@Module({})
class TaskConfigModule {
  static register(prefix: string): DynamicModule {
    return { module: TaskConfigModule, imports: [ConfigLikeModule.register(prefix)], providers: [TaskConfigService], exports: [TaskConfigService] };
  }
}

/** A feature module that injects TaskQueue without importing TaskModule. */
@Injectable()
class Reporter {
  constructor(readonly tasks: TaskQueue) {}
}
@Module({ providers: [Reporter], exports: [Reporter] })
class ReportingModule {}

interface LogLine {
  level: string;
  message: string;
  context: unknown;
}
/** Captures every log call, at every level. */
class CapturingLogger implements LoggerService {
  readonly lines: LogLine[] = [];
  private push(level: string, message: unknown, params: unknown[]) {
    this.lines.push({ level, message: String(message), context: params[params.length - 1] });
  }
  log(message: unknown, ...params: unknown[]) { this.push('log', message, params); }
  error(message: unknown, ...params: unknown[]) { this.push('error', message, params); }
  warn(message: unknown, ...params: unknown[]) { this.push('warn', message, params); }
  debug(message: unknown, ...params: unknown[]) { this.push('debug', message, params); }
  verbose(message: unknown, ...params: unknown[]) { this.push('verbose', message, params); }
  fatal(message: unknown, ...params: unknown[]) { this.push('fatal', message, params); }
}

const baseOptions = (prefix: string): TaskModuleOptions => ({
  connection: REDIS_URL,
  prefix,
  worker: { concurrency: 5, leaseMs: 5_000, shutdownGraceMs: 2_000 },
  defaults: { attempts: 1 },
});

describe('TaskModule configuration', () => {
  let prefix: string;
  let apps: INestApplicationContext[];
  let redis: Redis;

  /** Boots an app context; a failed bootstrap is closed before the error is rethrown. */
  async function boot(metadata: ModuleMetadata, logger: LoggerService | false = false): Promise<INestApplicationContext> {
    const builder = Test.createTestingModule(metadata);
    if (logger) builder.setLogger(logger);
    const moduleRef = await builder.compile();
    moduleRef.useLogger(logger);
    try {
      const app = await moduleRef.init();
      apps.push(app);
      return app;
    } catch (error) {
      await moduleRef.close().catch(() => undefined);
      throw error;
    }
  }

  async function runsATask(app: INestApplicationContext): Promise<void> {
    const queue = app.get(TaskQueue);
    const ref = await queue.enqueue('cfg.double', { n: 21 });
    await expect(queue.waitFor(ref, { timeout: 5_000 })).resolves.toBe(42);
    expect((await keysOf(redis, prefix)).length).toBeGreaterThan(0);
  }

  beforeAll(() => {
    redis = inspector();
  });
  beforeEach(() => {
    prefix = uniquePrefix('modcfg');
    apps = [];
  });
  afterEach(async () => {
    for (const app of apps.reverse()) await app.close();
    await removePrefix(prefix);
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('forRootAsync with useFactory and inject from an imported config module', async () => {
    const app = await boot({
      imports: [
        TaskModule.forRootAsync({
          imports: [ConfigLikeModule.register(prefix)],
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({ ...baseOptions(config.prefix), connection: config.redisUrl }),
        }),
        ReportingModule,
      ],
      providers: [ConfigTasks],
    });
    await runsATask(app);
    expect(app.get(Reporter).tasks).toBe(app.get(TaskQueue));
  });

  it('forRootAsync with useClass (a TaskOptionsFactory with its own dependencies)', async () => {
    TaskConfigService.calls = 0;
    const app = await boot({
      imports: [TaskModule.forRootAsync({ imports: [ConfigLikeModule.register(prefix)], useClass: TaskConfigService })],
      providers: [ConfigTasks],
    });
    await runsATask(app);
    expect(TaskConfigService.calls).toBe(1);
  });

  it('forRootAsync with useExisting (the factory provider of another module)', async () => {
    TaskConfigService.calls = 0;
    const app = await boot({
      imports: [TaskModule.forRootAsync({ imports: [TaskConfigModule.register(prefix)], useExisting: TaskConfigService })],
      providers: [ConfigTasks],
    });
    await runsATask(app);
    expect(TaskConfigService.calls).toBe(1);
  });

  it('registers globally: a provider in a module that does not import TaskModule gets TaskQueue', async () => {
    const app = await boot({ imports: [TaskModule.forRoot(baseOptions(prefix)), ReportingModule], providers: [ConfigTasks] });
    const { tasks } = app.get(Reporter);
    expect(tasks).toBeInstanceOf(TaskQueue);
    const ref = await tasks.enqueue('cfg.double', { n: 4 });
    await expect(tasks.waitFor(ref, { timeout: 5_000 })).resolves.toBe(8);
  });

  it('with worker: false consumes nothing: tasks stay waiting until a worker app runs them', async () => {
    const producer = await boot({ imports: [TaskModule.forRoot({ ...baseOptions(prefix), worker: false })], providers: [ConfigTasks] });
    const queue = producer.get(TaskQueue);
    const ref = await queue.enqueue('cfg.double', { n: 1 });
    const mail = await queue.enqueue('cfg.mail', { to: 'a@b.c' });
    await sleep(500);
    expect(producer.get(ConfigTasks).runs).toBe(0);
    expect(await queue.get(ref)).toMatchObject({ state: 'waiting', attempts: 0 });
    expect(await queue.get(mail)).toMatchObject({ state: 'waiting', queue: 'emails' });
    expect(await queue.counts()).toMatchObject({ waiting: 1, active: 0, completed: 0 });

    await boot({ imports: [TaskModule.forRoot(baseOptions(prefix))], providers: [ConfigTasks] });
    await expect(queue.waitFor(ref, { timeout: 5_000 })).resolves.toBe(2);
    expect(producer.get(ConfigTasks).runs).toBe(0);
  });

  it.each<[string, Partial<TaskModuleOptions>, RegExp]>([
    ['worker.concurrency 0', { worker: { concurrency: 0 } }, /worker\.concurrency/],
    ["a prefix with '{'", { prefix: 'bad{prefix' }, /prefix/],
    ['defaults.attempts 0', { defaults: { attempts: 0 } }, /attempts/],
    ["defaults.backoff type 'linear'", { defaults: { backoff: { type: 'linear' as 'fixed', delay: 1 } } }, /backoff\.type/],
    ['no connection', { connection: undefined as unknown as string }, /connection/],
  ])('fails bootstrap with a clear error for %s (forRoot and forRootAsync)', async (_what, bad, names) => {
    const options = { ...baseOptions(prefix), ...bad };
    const viaForRoot = await boot({ imports: [TaskModule.forRoot(options)], providers: [ConfigTasks] }).catch((e: unknown) => e);
    expect(viaForRoot).toBeInstanceOf(InvalidTaskOptionsError);
    expect((viaForRoot as Error).message).toMatch(names);

    const viaFactory = boot({ imports: [TaskModule.forRootAsync({ useFactory: () => options })], providers: [ConfigTasks] });
    await expect(viaFactory).rejects.toThrow(names);
  });

  it('fails bootstrap for invalid @TaskHandler options, naming the handler and the option', async () => {
    @Injectable()
    class BadAttemptsTasks {
      @TaskHandler('bad.attempts', { attempts: 0 })
      async run() {}
    }
    const error = await boot({ imports: [TaskModule.forRoot(baseOptions(prefix))], providers: [BadAttemptsTasks] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidTaskOptionsError);
    expect((error as Error).message).toMatch(/attempts/);
    expect((error as Error).message).toContain('BadAttemptsTasks.run');

    @Injectable()
    class BadTimeoutTasks {
      @TaskHandler('bad.timeout', { timeout: -1 })
      async run() {}
    }
    await expect(boot({ imports: [TaskModule.forRoot(baseOptions(prefix))], providers: [BadTimeoutTasks] })).rejects.toThrow(/timeout/);
    expect(await keysOf(redis, prefix)).toEqual([]);
  });

  it('fails bootstrap when two handlers share a name, naming the task and both Class.method', async () => {
    @Injectable()
    class FirstMailer {
      @TaskHandler('dup.send')
      async send() {}
    }
    @Injectable()
    class SecondMailer {
      @TaskHandler('dup.send', { queue: 'other' })
      async deliver() {}
    }
    const error = await boot({ imports: [TaskModule.forRoot(baseOptions(prefix))], providers: [FirstMailer, SecondMailer] }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DuplicateTaskHandlerError);
    const message = (error as Error).message;
    expect(message).toContain('dup.send');
    expect(message).toContain('FirstMailer.send');
    expect(message).toContain('SecondMailer.deliver');
  });

  it('serves only the queues worker.queues lists, says which it leaves to other processes, and another role serves those', async () => {
    const logger = new CapturingLogger();
    const only = (queues: string[]): TaskModuleOptions => ({ ...baseOptions(prefix), worker: { concurrency: 5, leaseMs: 5_000, shutdownGraceMs: 2_000, queues } });
    const mailer = await boot({ imports: [TaskModule.forRoot(only(['emails']))], providers: [ConfigTasks] }, logger);
    const ours = logger.lines.filter((l) => l.context === 'TaskModule');
    expect(ours).toHaveLength(1);
    expect(ours[0].message).toContain("queues 'emails' (cfg.mail x2); not served here (worker.queues): 'default'");
    const queue = mailer.get(TaskQueue);
    const doubled = await queue.enqueue('cfg.double', { n: 21 });
    const mail = await queue.enqueue('cfg.mail', { to: 'a@b.c' });
    expect(await queue.waitFor(mail, { timeout: 5_000 })).toBe('a@b.c');
    // Advertised as serving 'emails' only: no other process takes it for a worker of 'default'.
    expect((await queue.workers()).map((w) => w.queues.map((q) => q.queue))).toEqual([['emails']]);
    await sleep(300);
    expect((await queue.get(doubled))?.state).toBe('waiting');
    expect(mailer.get(ConfigTasks).runs).toBe(0);

    const doubler = await boot({ imports: [TaskModule.forRoot(only(['default']))], providers: [ConfigTasks] });
    expect(await queue.waitFor(doubled, { timeout: 5_000 })).toBe(42);
    expect(doubler.get(ConfigTasks).runs).toBe(1);
    expect(mailer.get(ConfigTasks).runs).toBe(0);
    expect((await queue.workers('default')).map((w) => w.queues.map((q) => q.queue))).toEqual([['default']]);
  });

  it('fails bootstrap when worker.queues names a queue no handler of the app consumes, naming it and the queues served, with nothing written', async () => {
    // A declared schedule too: saved at bootstrap, it would be written before a check made there.
    @Injectable()
    class NightlyTasks {
      @TaskHandler('cfg.nightly', { schedule: { every: 60_000 } })
      nightly() {}
    }
    const options: TaskModuleOptions = { ...baseOptions(prefix), worker: { queues: ['emails', 'emials'] } };
    const error = await boot({ imports: [TaskModule.forRoot(options)], providers: [ConfigTasks, NightlyTasks] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidTaskOptionsError);
    expect((error as Error).message).toContain(
      "worker.queues names 'emials', which no handler of this app consumes (this app's handlers consume 'default', 'emails')",
    );
    expect(await keysOf(redis, prefix)).toEqual([]);
  });

  it('logs one line at startup listing queues and handlers, and nothing per successful task', async () => {
    const logger = new CapturingLogger();
    const app = await boot({ imports: [TaskModule.forRoot(baseOptions(prefix))], providers: [ConfigTasks] }, logger);
    const ours = logger.lines.filter((l) => l.context === 'TaskModule');
    expect(ours).toHaveLength(1);
    expect(ours[0].level).toBe('log');
    expect(ours[0].message).not.toContain('\n');
    for (const part of ['default', 'emails', 'cfg.double', 'cfg.mail', prefix]) expect(ours[0].message).toContain(part);
    // Concurrency is per queue: the line says what the queues add up to.
    expect(ours[0].message).toContain('concurrency 5 per queue (up to 10 tasks at once over 2 queues)');

    logger.lines.length = 0;
    const queue = app.get(TaskQueue);
    const refs = await queue.enqueueMany([
      ...Array.from({ length: 15 }, (_, n) => ({ name: 'cfg.double', payload: { n } })),
      ...Array.from({ length: 5 }, (_, n) => ({ name: 'cfg.mail', payload: { to: `u${n}@b.c` } })),
    ]);
    await Promise.all(refs.map((ref) => queue.waitFor(ref, { timeout: 5_000 })));
    await waitUntil(async () => (await queue.counts()).completed === 15, '15 completed tasks');
    expect(logger.lines).toEqual([]);
  });

  it('logs one line when the worker has stopped, saying what ran to its end and what went back to the queue', async () => {
    let release: () => void = () => undefined;
    const started = new Set<string>();
    @Injectable()
    class SlowTasks {
      @TaskHandler('cfg.slow')
      async slow() {
        started.add('slow');
        await new Promise<void>((resolve) => (release = resolve));
      }

      // Ends only when aborted: the grace period runs out on it, and it goes back to the queue.
      @TaskHandler('cfg.stuck')
      async stuck(_payload: unknown, task: TaskContext) {
        started.add('stuck');
        await new Promise<void>((resolve) => task.signal.addEventListener('abort', () => resolve()));
      }
    }
    const logger = new CapturingLogger();
    const worker = { concurrency: 2, leaseMs: 5_000, shutdownGraceMs: 500 };
    const app = await boot({ imports: [TaskModule.forRoot({ ...baseOptions(prefix), worker })], providers: [SlowTasks] }, logger);
    const queue = app.get(TaskQueue);
    await queue.enqueueMany([{ name: 'cfg.slow', payload: null }, { name: 'cfg.stuck', payload: null }]);
    await waitUntil(() => started.size === 2, 'both tasks to start');
    logger.lines.length = 0;
    const closing = app.close();
    apps.splice(apps.indexOf(app), 1);
    await sleep(100);
    release();
    await closing;
    const ours = logger.lines.filter((l) => l.context === 'TaskModule' && l.level === 'log');
    expect(ours).toEqual([
      { level: 'log', context: 'TaskModule', message: expect.stringMatching(/^worker stopped in \d+ ms: 1 running task\(s\) finished, 1 handed back to their queue$/) },
    ]);
    const other = await boot({ imports: [TaskModule.forRoot({ ...baseOptions(prefix), worker: false })] });
    expect(await other.get(TaskQueue).counts()).toMatchObject({ completed: 1, waiting: 1, active: 0 });
  });
});
