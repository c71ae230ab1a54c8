import { NotFoundException } from '@nestjs/common';

/** Listed names shown in the refusal: a prefix may hold thousands of queues. */
const SHOWN = 20;

/** The 404 for a queue name the prefix does not know, naming some it does. */
export function unknownQueue(queue: string, listed: readonly string[]): NotFoundException {
  if (listed.length === 0) return new NotFoundException(`no queue '${queue}': this prefix has no queues`);
  const shown = listed.length > SHOWN ? `${listed.slice(0, SHOWN).join(', ')} and ${listed.length - SHOWN} more` : listed.join(', ');
  return new NotFoundException(`no queue '${queue}' under this prefix (known: ${shown})`);
}
