import type { QueuedTask } from '../../../lib/engine/new-task.js';
import { ADD_CHUNK_CHARS, scriptCalls } from '../../../lib/redis/task-adder.js';

// How a batch is cut into enqueue script calls: by queue, then so that no one
// call stores more than 1,000 tasks or 10,000 dependencies (each costs Redis
// time while it serves no one else).

const item = (queue: string, dependencies: number, payloadJson = '{}'): QueuedTask =>
  ({ queue, task: { payloadJson, dependsOn: Array.from({ length: dependencies }, (_, i) => `d${i}`) } }) as unknown as QueuedTask;

describe('scriptCalls', () => {
  it('keeps a batch of one queue in one call up to 1,000 tasks, and groups queues in order', () => {
    const items = [item('a', 0), item('b', 2), item('a', 3)];
    expect(scriptCalls(items)).toEqual([
      { queue: 'a', indexes: [0, 2] },
      { queue: 'b', indexes: [1] },
    ]);
    const many = Array.from({ length: 2_500 }, () => item('a', 1));
    expect(scriptCalls(many).map((c) => c.indexes.length)).toEqual([1_000, 1_000, 500]);
  });

  it('starts a new call before its payloads would pass the characters one call may carry, and sends a larger task alone', () => {
    const sized = (chars: number) => item('a', 0, 'x'.repeat(chars));
    const items = [sized(40), sized(40), sized(30), sized(120), sized(10), item('b', 0, 'x'.repeat(90))];
    expect(scriptCalls(items, 100).map((c) => [c.queue, c.indexes])).toEqual([
      ['a', [0, 1]],
      ['a', [2]],
      ['a', [3]],
      ['a', [4]],
      ['b', [5]],
    ]);
    // The default: 64 MiB of payload text a call (thirty 20 MB payloads made one call V8 could not build).
    expect(ADD_CHUNK_CHARS).toBe(64 * 1024 * 1024);
  });

  it('starts a new call before its dependencies would pass 10,000, and gives a task of 10,000 a call of its own', () => {
    const items = [item('a', 4_000), item('a', 4_000), item('a', 4_000), item('a', 10_000), item('a', 1)];
    expect(scriptCalls(items).map((c) => c.indexes)).toEqual([[0, 1], [2], [3], [4]]);
  });
});
