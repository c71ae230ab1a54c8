import { TaskHandlerRegistry, type RegisteredHandler } from '../../../lib/discovery/task-handler.registry.js';
import { DuplicateTaskHandlerError } from '../../../lib/errors/duplicate-task-handler.error.js';

function handler(name: string, queue: string, source: string, policy: Partial<RegisteredHandler['defaults']> = {}): RegisteredHandler {
  const defaults = { queue, removeOnComplete: null, removeOnDead: null, ...policy };
  return { name, queue, defaults, concurrency: null, globalConcurrency: null, invoke: async () => undefined, source };
}

describe('TaskHandlerRegistry', () => {
  it('finds a registered handler by task name', () => {
    const registry = new TaskHandlerRegistry();
    const send = handler('email.send', 'default', 'EmailTasks.send');
    registry.register(send);
    expect(registry.get('email.send')).toBe(send);
    expect(registry.get('email.other')).toBeUndefined();
  });

  it('throws DuplicateTaskHandlerError naming the task and both sources for a second handler of one name', () => {
    const registry = new TaskHandlerRegistry();
    registry.register(handler('email.send', 'default', 'EmailTasks.send'));
    let thrown: unknown;
    try {
      registry.register(handler('email.send', 'mail', 'LegacyMailer.deliver'));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DuplicateTaskHandlerError);
    const error = thrown as DuplicateTaskHandlerError;
    expect(error.taskName).toBe('email.send');
    expect(error.message).toContain("'email.send'");
    expect(error.message).toContain('EmailTasks.send');
    expect(error.message).toContain('LegacyMailer.deliver');
  });

  it('keeps the first handler after a rejected duplicate', () => {
    const registry = new TaskHandlerRegistry();
    const first = handler('a', 'default', 'A.run');
    registry.register(first);
    expect(() => registry.register(handler('a', 'default', 'B.run'))).toThrow(DuplicateTaskHandlerError);
    expect(registry.get('a')).toBe(first);
  });

  it('groups handlers by the queue they consume', () => {
    const registry = new TaskHandlerRegistry();
    const a = handler('a', 'default', 'T.a');
    const b = handler('b', 'mail', 'T.b');
    const c = handler('c', 'default', 'T.c');
    for (const h of [a, b, c]) registry.register(h);
    const groups = registry.byQueue();
    expect([...groups.keys()].sort()).toEqual(['default', 'mail']);
    expect(groups.get('default')).toEqual([a, c]);
    expect(groups.get('mail')).toEqual([b]);
  });

  it('has no groups without handlers', () => {
    expect(new TaskHandlerRegistry().byQueue().size).toBe(0);
  });

  it("gives enqueue the handler's queue and its own policy fields", () => {
    const registry = new TaskHandlerRegistry();
    registry.register(handler('report', 'reports', 'R.run', { attempts: 5, timeout: 2_000, backoff: { type: 'fixed', delay: 10 } }));
    registry.register(handler('ping', 'default', 'P.run'));
    expect(registry.defaultsFor('report')).toEqual({
      queue: 'reports',
      attempts: 5,
      timeout: 2_000,
      backoff: { type: 'fixed', delay: 10 },
      removeOnComplete: null,
      removeOnDead: null,
    });
    expect(registry.defaultsFor('ping')).toEqual({ queue: 'default', removeOnComplete: null, removeOnDead: null });
  });

  it('has no defaults for a task name without a handler here', () => {
    expect(new TaskHandlerRegistry().defaultsFor('elsewhere')).toBeUndefined();
  });
});
