import { resolveTestingOptions } from '../../../lib/config/testing-options.js';
import { InvalidTaskOptionsError, TaskModule } from '../../../lib/index.js';

describe('TaskModule.forTesting options', () => {
  it('takes the mode and timers, and passes the rest on as module options', () => {
    expect(resolveTestingOptions({ mode: 'inline', prefix: 'p', queues: { q: { concurrency: 2 } } })).toEqual({
      mode: 'inline',
      timers: 'virtual',
      moduleOptions: { prefix: 'p', queues: { q: { concurrency: 2 } }, connection: { host: '127.0.0.1' } },
    });
  });

  it.each([
    [{ mode: 'fast' }, /forTesting: mode must be 'fake' or 'inline', got "fast"/],
    [{}, /forTesting: mode must be 'fake' or 'inline', got undefined/],
    [{ mod: 'fake' }, /forTesting: unknown option 'mod'; mode \('fake' or 'inline'\) is required/],
    [{ mode: 'fake', timers: 'fake' }, /forTesting: timers must be 'virtual' or 'real'/],
    [{ mode: 'fake', connection: 'redis://x' }, /forTesting: connection does not apply: the test mode keeps tasks in memory/],
    [{ mode: 'fake', connectTimeoutMs: 5 }, /forTesting: connectTimeoutMs does not apply/],
  ])('refuses %j, saying why', (options, message) => {
    expect(() => TaskModule.forTesting(options as never)).toThrow(InvalidTaskOptionsError);
    expect(() => TaskModule.forTesting(options as never)).toThrow(message);
  });
});
