import { InvalidTaskOptionsError } from '../../../lib/errors/invalid-task-options.error.js';
import { resolveHealthOptions } from '../../../lib/terminus/task-health-options.js';
import type { TaskHealthOptions } from '../../../lib/terminus/task-health-options.js';

describe('the health check options', () => {
  it('reads thresholds per queue and the default time limit', () => {
    expect(resolveHealthOptions({ queues: { emails: { maxWaiting: 10 } } })).toEqual({ queues: [{ queue: 'emails', maxWaiting: 10 }], timeoutMs: 1_000, maxMemoryPercent: null });
    expect(resolveHealthOptions({ maxMemoryPercent: 90 })).toMatchObject({ maxMemoryPercent: 90 });
  });

  // An array of queue names read as an object with no queues: a check of nothing, answering up.
  it.each<[unknown, RegExp]>([
    [{ queues: ['emails'] }, /^TaskHealthIndicator\.isHealthy: queues must be an object of queue name -> thresholds, e\.g\. \{ emails: \{ maxWaiting: 1000 \} \}, got an array$/],
    [{ queues: [] }, /queues must be an object of queue name -> thresholds.*got an array$/],
    [{ queues: new Map([['emails', { maxWaiting: 1 }]]) }, /got a Map$/],
    [{ queues: { emails: [] } }, /queues\.emails must be an object \{ maxWaiting\?, maxDead\?, maxOldestWaitingMs\?, maxRunningMs\? \}, got an array$/],
    [['emails'], /options must be an object \{ queues\?, timeoutMs\?, maxMemoryPercent\? \}, got an array$/],
    [{ maxMemoryPercent: 0 }, /maxMemoryPercent must be an integer from 1 to 100/],
    [{ maxMemoryPercent: 101 }, /maxMemoryPercent must be an integer from 1 to 100/],
    [{ maxMemoryPercent: '90' }, /maxMemoryPercent must be an integer from 1 to 100/],
  ])('refuses %p, naming what was wrong', (options, message) => {
    expect(() => resolveHealthOptions(options as TaskHealthOptions)).toThrow(InvalidTaskOptionsError);
    expect(() => resolveHealthOptions(options as TaskHealthOptions)).toThrow(message);
  });
});
