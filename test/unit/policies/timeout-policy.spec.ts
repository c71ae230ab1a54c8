import { TaskTimeoutError } from '../../../lib/errors/task-timeout.error.js';
import { withTimeout } from '../../../lib/policies/timeout-policy.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Tracks whether a promise has settled, without changing it. */
function track<T>(promise: Promise<T>): { settled: () => boolean } {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  return { settled: () => settled };
}

describe('withTimeout', () => {
  it('resolves with the work when it finishes within the timeout', async () => {
    const controller = new AbortController();
    const work = sleep(5).then(() => 'done');
    await expect(withTimeout(work, 1_000, controller)).resolves.toBe('done');
    expect(controller.signal.aborted).toBe(false);
  });

  it('rejects with the work error when it fails within the timeout, without aborting', async () => {
    const controller = new AbortController();
    const boom = new Error('boom');
    await expect(withTimeout(Promise.reject(boom), 1_000, controller)).rejects.toBe(boom);
    expect(controller.signal.aborted).toBe(false);
  });

  it('stays pending before the timeout, then rejects with TaskTimeoutError and aborts the controller with it', async () => {
    const controller = new AbortController();
    const never = new Promise<never>(() => undefined);
    const limited = withTimeout(never, 60, controller);
    const state = track(limited);

    await sleep(10);
    expect(state.settled()).toBe(false);
    expect(controller.signal.aborted).toBe(false);

    const error = await limited.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskTimeoutError);
    expect(error).toMatchObject({ name: 'TaskTimeoutError', timeoutMs: 60, message: 'task timed out after 60 ms' });
    expect(controller.signal.aborted).toBe(true);
    expect(controller.signal.reason).toBe(error);
  });

  it('keeps the timeout outcome when the work settles later', async () => {
    const controller = new AbortController();
    const late = sleep(60).then(() => 'late');
    await expect(withTimeout(late, 10, controller)).rejects.toBeInstanceOf(TaskTimeoutError);
    await expect(late).resolves.toBe('late');
    expect(controller.signal.reason).toBeInstanceOf(TaskTimeoutError);
  });

  it('applies no limit for a timeout of 0', async () => {
    const controller = new AbortController();
    const work = sleep(30).then(() => 'slow but fine');
    const unlimited = withTimeout(work, 0, controller);
    expect(unlimited).toBe(work);
    await expect(unlimited).resolves.toBe('slow but fine');
    expect(controller.signal.aborted).toBe(false);
  });
});
