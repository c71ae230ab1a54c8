/** One problem a payload schema found: what is wrong, and where in the payload (empty: the payload itself). */
export interface TaskPayloadIssue {
  message: string;
  path: ReadonlyArray<string | number>;
}

/**
 * A payload that does not match its task's schema. Thrown by `enqueue` (and
 * nothing is written); at the worker the task ends dead without retries, with
 * the same issues in its recorded error.
 */
export class TaskPayloadError extends TypeError {
  constructor(
    readonly taskName: string,
    readonly issues: readonly TaskPayloadIssue[],
    where = `enqueue('${taskName}')`,
  ) {
    super(`${where}: the payload does not match the task's schema: ${describeIssues(issues)}`);
    this.name = 'TaskPayloadError';
  }
}

/** 'to: Invalid email; items.0.sku: Required', at most ten issues. */
function describeIssues(issues: readonly TaskPayloadIssue[]): string {
  const shown = issues.slice(0, 10).map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message));
  if (issues.length > 10) shown.push(`and ${issues.length - 10} more`);
  return shown.join('; ') || 'the schema reported a failure without issues';
}
