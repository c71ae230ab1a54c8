import { normalizeHandlerOptions, type HandlerDefaults } from './handler-options.normalizer.js';
import type { TaskDefinition } from '../interfaces/task-definition.interface.js';

/** A definition's options as handler defaults, checked: what an app without its handler applies to its tasks. */
export function definitionDefaults(definition: TaskDefinition<unknown, unknown, unknown>, maxPayloadBytes: number): HandlerDefaults {
  return normalizeHandlerOptions({ ...definition.options, name: definition.name }, `defineTask('${definition.name}')`, maxPayloadBytes).defaults;
}
