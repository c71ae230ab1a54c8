import { InvalidTaskOptionsError } from '../errors/invalid-task-options.error.js';

/**
 * `provided`, or an error saying the app lacks TaskModule. Nest's own error
 * for the missing provider names an internal token and suggests importing it
 * into a module the user does not own (TaskDashboardModule).
 */
export function fromTaskModule<T>(provided: T | null | undefined, consumer: string): T {
  if (provided !== null && provided !== undefined) return provided;
  throw new InvalidTaskOptionsError(
    `${consumer} needs TaskModule, which this app does not import: add TaskModule.forRoot(...) (or forRootAsync, or ` +
      'TaskModule.forTesting in a test) to the root module; it is global, so the other modules find it',
  );
}
