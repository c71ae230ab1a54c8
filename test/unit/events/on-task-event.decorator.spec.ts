import { Reflector } from '@nestjs/core';
import { OnTaskEvent, OnTaskEventMeta } from '../../../lib/decorators/on-task-event.decorator.js';
import { checkBinding } from '../../../lib/events/task-event-listener.explorer.js';
import { InvalidTaskOptionsError, defineTask, type TaskEventType } from '../../../lib/index.js';

class Listeners {
  @OnTaskEvent('completed', { name: 'email.send', queue: 'email' })
  sent() {}

  @OnTaskEvent('dead')
  @OnTaskEvent('retrying', { queue: 'email' })
  failing() {}

  plain() {}
}

const reflector = new Reflector();
const metaOf = (method: keyof Listeners) => reflector.get(OnTaskEventMeta, Listeners.prototype[method]);

describe('@OnTaskEvent metadata', () => {
  it('stores the type and options on the method', () => {
    expect(metaOf('sent')).toEqual([{ type: 'completed', options: { name: 'email.send', queue: 'email' } }]);
  });

  it('keeps every @OnTaskEvent of a method', () => {
    expect(metaOf('failing')).toEqual(
      expect.arrayContaining([
        { type: 'dead', options: {} },
        { type: 'retrying', options: { queue: 'email' } },
      ]),
    );
    expect(metaOf('failing')).toHaveLength(2);
  });

  it('leaves undecorated methods alone', () => {
    expect(metaOf('plain')).toBeUndefined();
  });
});

describe('checkBinding (the bootstrap check of @OnTaskEvent)', () => {
  const source = 'Listeners.sent';

  it("defaults to every task of the 'default' queue", () => {
    expect(checkBinding({ type: 'completed', options: {} }, source)).toEqual({ type: 'completed', queue: 'default', name: null, source });
  });

  it('follows the queue of the named tasks when none is given: the handler\'s, else the definition\'s', () => {
    const Send = defineTask('email.send', { queue: 'emails' });
    const handlerQueue = (name: string) => (name === 'report.build' ? 'reports' : undefined);
    expect(checkBinding({ type: 'completed', options: { name: Send } }, source)).toMatchObject({ queue: 'emails', name: 'email.send' });
    expect(checkBinding({ type: 'completed', options: { name: 'report.build' } }, source, handlerQueue)).toMatchObject({ queue: 'reports' });
    expect(checkBinding({ type: 'completed', options: { name: 'other' } }, source, handlerQueue)).toMatchObject({ queue: 'default' });
    // The queue given wins; no name, no handler to follow.
    expect(checkBinding({ type: 'completed', options: { name: Send, queue: 'audit' } }, source, handlerQueue)).toMatchObject({ queue: 'audit' });
    expect(checkBinding({ type: 'completed', options: {} }, source, () => 'reports')).toMatchObject({ queue: 'default' });
  });

  it('keeps a name and a queue', () => {
    expect(checkBinding({ type: 'dead', options: { name: 'a', queue: 'b' } }, source)).toEqual({ type: 'dead', queue: 'b', name: 'a', source });
  });

  it('rejects an unknown event type, naming the method and the known types', () => {
    const bad = () => checkBinding({ type: 'finished' as TaskEventType, options: {} }, source);
    expect(bad).toThrow(InvalidTaskOptionsError);
    expect(bad).toThrow(/@OnTaskEvent on Listeners\.sent: unknown event type "finished" \(known: enqueued, started, progress, completed, retrying, dead\)/);
  });

  it('rejects a bad queue name and a bad task name', () => {
    expect(() => checkBinding({ type: 'completed', options: { queue: 'a{b}' } }, source)).toThrow(/Listeners\.sent: queue must be a non-empty string/);
    expect(() => checkBinding({ type: 'completed', options: { queue: '' } }, source)).toThrow(InvalidTaskOptionsError);
    expect(() => checkBinding({ type: 'completed', options: { name: 42 as unknown as string } }, source)).toThrow(/name must be a non-empty string.*got 42/);
  });

  it('rejects options that are not an object, and unknown option keys', () => {
    expect(() => checkBinding({ type: 'completed', options: 'email.send' as never }, source)).toThrow(/options must be an object \{ name\?, queue\? \}/);
    expect(() => checkBinding({ type: 'completed', options: { queue: 'q', nmae: 'x' } as never }, source)).toThrow(/unknown option 'nmae'/);
  });
});
