import { checkClean, checkDrain, checkObliterate, checkRetryAll } from '../../../lib/producer/bulk-options.checks.js';

describe('bulk operation arguments', () => {
  it('resolves good ones with their defaults', () => {
    expect(checkRetryAll('q', { state: 'dead' })).toEqual({ queue: 'q', name: null });
    expect(checkRetryAll('q', { state: 'dead', name: 'mail.send' })).toEqual({ queue: 'q', name: 'mail.send' });
    expect(checkDrain('q', undefined)).toEqual({ queue: 'q', delayed: false });
    expect(checkDrain('q', { delayed: true })).toEqual({ queue: 'q', delayed: true });
    expect(checkClean('q', 'completed', undefined)).toEqual({ queue: 'q', state: 'completed', olderThanMs: 0, limit: null });
    expect(checkClean('q', 'dead', { olderThanMs: 60_000, limit: 10 })).toEqual({ queue: 'q', state: 'dead', olderThanMs: 60_000, limit: 10 });
    expect(checkObliterate('q', { force: true })).toEqual({ queue: 'q', force: true });
  });

  it.each([
    [() => checkRetryAll('q', {} as never), /retryAll: state must be 'dead'/],
    [() => checkRetryAll('q', null as never), /retryAll: options must be an object/],
    [() => checkRetryAll('q', { state: 'dead', name: '' }), /retryAll: name must be a non-empty string/],
    [() => checkDrain('q{x}', {}), /drain: queue must be a non-empty string .* without braces/],
    [() => checkDrain('q', { delayd: true } as never), /drain: unknown option 'delayd' \(known: delayed\)/],
    [() => checkClean('q', 'active' as never, {}), /clean: state must be 'completed' or 'dead'/],
    [() => checkClean('q', 'dead', { limit: 1.5 }), /clean: limit must be an integer >= 1, got 1.5/],
    [() => checkObliterate('q', { force: 1 } as never), /obliterate: force must be true or false, got 1/],
    [() => checkObliterate('q', 'yes' as never), /obliterate: options must be an object \{ force\? \}/],
  ])('refuses bad ones, naming what was wrong (%#)', (call, message) => {
    expect(call).toThrow(message);
  });
});
