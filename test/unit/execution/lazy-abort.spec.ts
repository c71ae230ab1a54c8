import { LazyAbort } from '../../../lib/execution/lazy-abort.js';

describe('LazyAbort', () => {
  it('gives a live signal that aborts with the reason', () => {
    const abort = new LazyAbort();
    const signal = abort.signal;
    expect(signal.aborted).toBe(false);
    abort.abort(new Error('timeout'));
    expect(signal.aborted).toBe(true);
    expect((signal.reason as Error).message).toBe('timeout');
  });

  it('remembers an abort that came before anyone asked for the signal', () => {
    const abort = new LazyAbort();
    abort.abort('shutdown');
    expect(abort.aborted).toBe(true);
    expect(abort.signal.aborted).toBe(true);
    expect(abort.signal.reason).toBe('shutdown');
  });

  it('keeps the first reason', () => {
    const abort = new LazyAbort();
    abort.abort('first');
    abort.abort('second');
    expect(abort.signal.reason).toBe('first');
  });
});
