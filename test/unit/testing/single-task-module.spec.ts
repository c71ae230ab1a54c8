import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { createServer, type Server } from 'node:net';
import { InvalidTaskOptionsError, TaskHandler, TaskModule, TaskQueue } from '../../../lib/index.js';
import { TaskTester } from '../../../lib/testing/index.js';

// One TaskModule per app. A second (forRoot in a feature module by mistake,
// or forTesting added beside an app module that has forRoot) would open its
// own connections and run every handler once more. The documented way to put
// an app module that imports forRoot on the test mode is overrideModule; it
// must not try to reach the Redis that forRoot names.

/** A TCP server that only counts the connections made to it (where forRoot points). */
async function countingServer(): Promise<{ server: Server; url: string; connections: () => number }> {
  let count = 0;
  const server = createServer((socket) => {
    count += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { server, url: `redis://127.0.0.1:${port}`, connections: () => count };
}

@Injectable()
class Mailer {
  constructor(private readonly queue: TaskQueue) {}

  welcome(user: string) {
    return this.queue.enqueue('mail.welcome', { user });
  }

  @TaskHandler('mail.welcome')
  send(payload: { user: string }) {
    return `sent to ${payload.user}`;
  }
}

describe('one TaskModule per app', () => {
  let redisLike: Awaited<ReturnType<typeof countingServer>>;
  beforeEach(async () => {
    redisLike = await countingServer();
  });
  afterEach(async () => {
    await new Promise((resolve) => redisLike.server.close(resolve));
  });

  it('refuses forTesting beside an app module that imports forRoot, at init and before connecting', async () => {
    @Module({ imports: [TaskModule.forRoot({ connection: redisLike.url })], providers: [Mailer] })
    class AppModule {}
    const moduleRef = await Test.createTestingModule({ imports: [AppModule, TaskModule.forTesting({ mode: 'fake' })] }).compile();
    moduleRef.useLogger(false);
    const failure = await moduleRef.init().then(
      () => null,
      (error: unknown) => error,
    );
    await moduleRef.close();
    expect(failure).toBeInstanceOf(InvalidTaskOptionsError);
    expect((failure as Error).message).toMatch(/^TaskModule is imported 2 times in this app .*overrideModule\(tasksModule\)\.useModule\(TaskModule\.forTesting/);
    expect(redisLike.connections()).toBe(0);
  });

  it('refuses two forTesting modules', async () => {
    @Module({ imports: [TaskModule.forTesting({ mode: 'fake' })] })
    class FeatureModule {}
    const moduleRef = await Test.createTestingModule({ imports: [FeatureModule, TaskModule.forTesting({ mode: 'inline' })] }).compile();
    moduleRef.useLogger(false);
    await expect(moduleRef.init()).rejects.toThrow(/TaskModule is imported 2 times/);
    await moduleRef.close();
  });

  it('runs an app module that imports forRoot on the test mode through overrideModule, without reaching its Redis', async () => {
    const tasksModule = TaskModule.forRoot({ connection: redisLike.url });
    @Module({ imports: [tasksModule], providers: [Mailer] })
    class AppModule {}
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
      .overrideModule(tasksModule)
      .useModule(TaskModule.forTesting({ mode: 'fake' }))
      .compile();
    moduleRef.useLogger(false);
    const app = await moduleRef.init();
    try {
      await app.get(Mailer).welcome('ada');
      const tester = app.get(TaskTester);
      expect(tester.enqueued().map((e) => [e.name, e.payload])).toEqual([['mail.welcome', { user: 'ada' }]]);
      const run = await tester.runNext();
      expect(run).toMatchObject({ name: 'mail.welcome', state: 'completed', result: 'sent to ada' });
    } finally {
      await app.close();
    }
    expect(redisLike.connections()).toBe(0);
  });
});
