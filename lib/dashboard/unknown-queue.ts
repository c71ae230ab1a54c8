import { NotFoundException } from '@nestjs/common';
import type { TaskCounts } from '../interfaces/task-info.interface.js';
import { queuePresence } from '../producer/queue-presence.js';
import type { TaskQueue } from '../producer/task-queue.js';
import { idList } from '../worker/id-list.js';

/**
 * A 404 naming some queues the prefix knows, unless it knows `queue`: a page
 * of a mistyped or obliterated queue would read as empty, and a pause would
 * make the queue. `counts`: the queue's, when the caller has them.
 */
export async function mustKnowQueue(tasks: TaskQueue, queue: string, counts?: TaskCounts): Promise<void> {
  const { known, listed } = await queuePresence(tasks, queue, counts);
  if (known) return;
  if (listed.length === 0) throw new NotFoundException(`no queue '${queue}': this prefix has no queues`);
  throw new NotFoundException(`no queue '${queue}' under this prefix (known: ${idList(listed)})`);
}
