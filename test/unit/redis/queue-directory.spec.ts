import { QueueDirectory } from '../../../lib/redis/queue-directory.js';
import { ScheduleKeys } from '../../../lib/redis/schedule-keys.js';
import { WorkerKeys } from '../../../lib/redis/worker-keys.js';

/** The hash tag Redis Cluster hashes: the text between the first '{' and the next '}'. */
const hashTag = (key: string) => key.slice(key.indexOf('{') + 1, key.indexOf('}'));

describe('QueueDirectory', () => {
  it('keeps the registry of queue names in the prefix-wide slot, beside the schedule and worker directories', () => {
    const key = QueueDirectory.keyOf('tasks');
    expect(key).toBe('{tasks:}:queues');
    // The worker heartbeat adds to it in the pipeline of its own slot: the same slot on a Cluster.
    expect(new Set([key, ScheduleKeys.directory('tasks'), new WorkerKeys('tasks').directory].map(hashTag))).toEqual(new Set(['tasks:']));
  });
});
