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
    [null, /forTesting: expected an object with at least \{ mode \}, got null/],
  ])('refuses %j, saying why', (options, message) => {
    expect(() => TaskModule.forTesting(options as never)).toThrow(InvalidTaskOptionsError);
    expect(() => TaskModule.forTesting(options as never)).toThrow(message);
  });

  it("names the test mode's own options when one is misspelt, not forRoot's", () => {
    const message = (() => {
      try {
        resolveTestingOptions({ mode: 'fake', timer: 'real' } as never);
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidTaskOptionsError);
        return (error as Error).message;
      }
      throw new Error('expected a refusal');
    })();
    expect(message).toMatch(/^TaskModule\.forTesting: unknown option 'timer' \(known: mode, timers, prefix, worker, /);
    expect(message).not.toMatch(/connection|connectTimeoutMs/);
  });
});
