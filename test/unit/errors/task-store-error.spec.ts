import { inspect } from 'node:util';
import { RedisUnavailableError, TaskStoreError } from '../../../lib/index.js';

describe('TaskStoreError', () => {
  // A class field showed `tasks: undefined` in the printout of every failure that carries no tasks.
  it('shows tasks only when it carries some', () => {
    for (const error of [new TaskStoreError('counts failed', 'refused'), new RedisUnavailableError('counts failed: Redis is unreachable')]) {
      expect(Object.hasOwn(error, 'tasks')).toBe(false);
      expect(inspect(error)).not.toContain('tasks');
    }
    const carrying = new TaskStoreError('not replicated', 'not-replicated', { tasks: [{ id: 'a', queue: 'q' }] });
    expect(carrying.tasks).toEqual([{ id: 'a', queue: 'q' }]);
    expect(inspect(carrying)).toContain("tasks: [ { id: 'a', queue: 'q' } ]");
  });
});
