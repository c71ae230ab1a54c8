import { ScheduleKeys } from '../../../lib/redis/schedule-keys.js';

/** The hash tag Redis Cluster hashes: the text between the first '{' and the next '}'. */
const hashTag = (key: string) => key.slice(key.indexOf('{') + 1, key.indexOf('}'));

describe('ScheduleKeys', () => {
  const keys = new ScheduleKeys('tasks', 'reports');

  it("keeps a schedule's definition and due-time index in its queue's slot, with the queue's own keys", () => {
    expect(keys.definition('nightly')).toBe('{tasks:reports}:s:nightly');
    expect(keys.due).toBe('{tasks:reports}:schedules');
    const slotKeys = [keys.definition('nightly'), keys.due, ...keys.queue.scriptKeys];
    expect(new Set(slotKeys.map(hashTag))).toEqual(new Set(['tasks:reports']));
  });

  it('puts the directory in a prefix-level slot no queue can use, still under the prefix', () => {
    const directory = ScheduleKeys.directory('tasks');
    expect(directory).toBe('{tasks:}:schedules');
    expect(directory.startsWith('{tasks:')).toBe(true);
    expect(hashTag(directory)).toBe('tasks:');
    // Its revision token and the mark of what the prefix holds beside it, in the same slot.
    expect(ScheduleKeys.revision('tasks')).toBe('{tasks:}:schedules-rev');
    expect(hashTag(ScheduleKeys.revision('tasks'))).toBe('tasks:');
    expect(ScheduleKeys.generation('tasks')).toBe('{tasks:}:generation');
    expect(hashTag(ScheduleKeys.generation('tasks'))).toBe('tasks:');
  });
});
