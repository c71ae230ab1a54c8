import type { ResolvedRetention } from '../config/resolved-options.js';
import type { RetentionOverride } from '../interfaces/retention-option.js';

/** A task's own retention over the module's: removed at once, or the limits its finish trims by. */
export function effective(own: RetentionOverride | null, module: ResolvedRetention): { remove: boolean; age: number; count: number } {
  if (own === 'remove') return { remove: true, ...module };
  return { remove: false, age: own?.age ?? module.age, count: own?.count ?? module.count };
}
