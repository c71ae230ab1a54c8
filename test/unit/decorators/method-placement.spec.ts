import { InvalidTaskOptionsError } from '../../../lib/errors/invalid-task-options.error.js';
import { Reflector } from '@nestjs/core';
import { TaskHandlerMeta } from '../../../lib/decorators/task-handler.decorator.js';
import { OnTaskEvent, OnWorkerEvent, TaskHandler, defineTask } from '../../../lib/index.js';

// TypeScript refuses most of these placements; plain JavaScript and casts do
// not. On a static method the handler was ignored without a word (tasks
// waited for a handler that never came); on an accessor reflect-metadata threw
// a bare TypeError.
const decorator = TaskHandler('jobs.run') as unknown as (...args: unknown[]) => void;

function refusal(declare: () => unknown): string {
  try {
    declare();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidTaskOptionsError);
    return (error as Error).message;
  }
  throw new Error('expected the class declaration to throw');
}

describe('method decorators on what is not an instance method', () => {
  it('refuses a static method, naming it and what to do', () => {
    const message = refusal(() => {
      class Jobs {
        @(decorator as MethodDecorator)
        static run() {
          return 1;
        }
      }
      return Jobs;
    });
    expect(message).toBe(`@TaskHandler("jobs.run") is on the static method Jobs.run: it takes an instance method (called on the provider Nest makes); remove 'static'`);
  });

  it('refuses a getter', () => {
    const message = refusal(() => {
      class Jobs {
        @(decorator as MethodDecorator)
        get run() {
          return () => 1;
        }
      }
      return Jobs;
    });
    expect(message).toBe('@TaskHandler("jobs.run") is on the accessor Jobs.run: it takes a method, not a getter or setter');
  });

  it('refuses a field holding an arrow function, naming the definition', () => {
    const sendMail = defineTask<{ to: string }>('mail.send');
    const message = refusal(() => {
      class Mailer {
        @(TaskHandler(sendMail) as unknown as PropertyDecorator)
        send = (payload: { to: string }) => payload.to;
      }
      return Mailer;
    });
    expect(message).toMatch(/^@TaskHandler\("mail\.send"\) is on the property Mailer\.send: it takes a method; write send\(\.\.\.\) \{ \.\.\. \}/);
  });

  it('refuses a class', () => {
    const message = refusal(() => {
      @(decorator as ClassDecorator)
      class Jobs {}
      return Jobs;
    });
    expect(message).toBe('@TaskHandler("jobs.run") is on the class Jobs: put it on one of its methods');
  });

  it('refuses @OnTaskEvent and @OnWorkerEvent on a static method too', () => {
    expect(
      refusal(() => {
        class Audit {
          @OnTaskEvent('dead')
          static onDead() {}
        }
        return Audit;
      }),
    ).toMatch(/^@OnTaskEvent\("dead"\) is on the static method Audit\.onDead: /);
    expect(
      refusal(() => {
        class Audit {
          @OnWorkerEvent('failed')
          static onFailed() {}
        }
        return Audit;
      }),
    ).toMatch(/^@OnWorkerEvent\("failed"\) is on the static method Audit\.onFailed: /);
  });

  it('marks an instance method', () => {
    class Jobs {
      @TaskHandler('jobs.run', { concurrency: 2 })
      run() {
        return 1;
      }
    }
    expect(new Reflector().get(TaskHandlerMeta, Jobs.prototype.run)).toEqual({ name: 'jobs.run', concurrency: 2 });
  });
});
