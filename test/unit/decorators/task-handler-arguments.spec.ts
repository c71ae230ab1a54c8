import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { InvalidTaskOptionsError, TaskHandler, TaskModule, TaskQueue, type TaskDefinition } from '../../../lib/index.js';
import { TaskHandlerMeta } from '../../../lib/decorators/task-handler.decorator.js';
import { normalizeHandlerOptions } from '../../../lib/discovery/handler-options.normalizer.js';

// Wrong arguments to @TaskHandler are refused at bootstrap naming the method
// and what was given, instead of "the task name ... got undefined" or an
// option named '0' (a string spread as options).

function metaOf(decorator: unknown) {
  class Host {
    run() {}
  }
  (decorator as MethodDecorator)(Host.prototype, 'run', Object.getOwnPropertyDescriptor(Host.prototype, 'run')!);
  return Reflect.getMetadata(TaskHandlerMeta.KEY, Host.prototype.run) as Parameters<typeof normalizeHandlerOptions>[0];
}

describe('@TaskHandler with arguments that are not a task and options', () => {
  it.each([
    ['a number', TaskHandler(123 as never), /^@TaskHandler on Mail\.run: its first argument must be a task name or a definition made by defineTask\(\), got 123 \(an import cycle/],
    ['undefined (an import cycle)', TaskHandler(undefined as never), /got undefined \(an import cycle can leave a definition undefined where it is used\)$/],
    ['options as a string', TaskHandler('mail.send', 'fast' as never), /^@TaskHandler on Mail\.run: its options must be an object, got "fast"$/],
    ['options as an array', TaskHandler('mail.send', [] as never), /its options must be an object, got an array$/],
    ['options as a Map', TaskHandler('mail.send', new Map([['attempts', 9]]) as never), /its options must be an object, got a Map$/],
  ])('refuses %s, naming the method', (_what, decorator, message) => {
    const call = () => normalizeHandlerOptions(metaOf(decorator), 'Mail.run', 1_000);
    expect(call).toThrow(InvalidTaskOptionsError);
    expect(call).toThrow(message);
  });

  it('refuses at enqueue an object that is no definition, naming its keys', async () => {
    @Injectable()
    class Nothing {}
    const moduleRef = await Test.createTestingModule({ imports: [TaskModule.forTesting({ mode: 'fake' })], providers: [Nothing] }).compile();
    const app = await moduleRef.init();
    try {
      const enqueue = app.get(TaskQueue).enqueue({ x: 1 } as unknown as TaskDefinition<unknown, unknown, unknown>, {});
      await expect(enqueue).rejects.toThrow(/^enqueue: the task must be a name or a definition made by defineTask\(\), got an object with keys \["x"\]$/);
    } finally {
      await app.close();
    }
  });
});
