import { checkQueueName } from '../../config/option-checks.js';
import { queuePresence } from '../../producer/queue-presence.js';
import type { TaskQueue } from '../../producer/task-queue.js';
import type { Place } from '../cli-command.js';
import { CommandFailure } from '../cli-errors.js';
import { shortList } from '../text-lists.js';

/**
 * Why a queue name finds nothing: no such queue, naming the known ones, or
 * no queue at all (the wrong --prefix or --url, most often). `orElse` is a
 * way on, such as pause's --new.
 */
function unknownQueue(name: string, known: readonly string[], place: Place, orElse?: string): CommandFailure {
  const more = orElse === undefined ? '' : `, ${orElse}`;
  if (known.length === 0) return new CommandFailure(`no queue '${name}': prefix '${place.prefix}' has no queues on ${place.redis}; check --prefix and --url${more}`);
  return new CommandFailure(`no queue '${name}' under prefix '${place.prefix}' (known: ${shortList(known)}); check the name${more}`);
}

/**
 * The queue `name` (checked as the library checks one, named as `label`),
 * refused (exit 1) when the prefix does not know it: a typo would otherwise
 * read as an empty queue, drain or retry nothing and exit 0, or pause a queue
 * of its own. A queue the prefix does not list but that holds tasks or is
 * paused is known all the same: 0.1.0 listed no queue, and one it last used is
 * listed only once it is used again.
 */
export async function knownQueue(queue: TaskQueue, command: string, name: string, label: string, place: Place, orElse?: string): Promise<string> {
  checkQueueName(name, command, label);
  const { known, listed } = await queuePresence(queue, name);
  if (known) return name;
  throw unknownQueue(name, listed, place, orElse);
}
