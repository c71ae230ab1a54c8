/** Two `@TaskHandler` methods claim one task name: thrown at bootstrap. */
export class DuplicateTaskHandlerError extends Error {
  constructor(readonly taskName: string, first: string, second: string, hint?: string) {
    super(`two handlers for task '${taskName}': ${first} and ${second}; task names must be unique in an app${hint ? ` (${hint})` : ''}`);
    this.name = 'DuplicateTaskHandlerError';
  }
}
