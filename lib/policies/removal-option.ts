import { NO_RETENTION_LIMIT, type RemoveOption, type RetentionOverride } from '../interfaces/retention-option.js';

/** A stored retention override in the shape the options took it (`true`, `false` or `{ age?, count? }`). */
export function removeOptionOf(retention: RetentionOverride): RemoveOption {
  if (retention === 'remove') return true;
  // `false` is stored as no limit on either: shown as it was given.
  if (retention.age === NO_RETENTION_LIMIT && retention.count === NO_RETENTION_LIMIT) return false;
  return { ...(retention.age !== null && { age: retention.age }), ...(retention.count !== null && { count: retention.count }) };
}
