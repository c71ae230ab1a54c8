/** Commands whose arguments carry credentials. */
const SECRET_COMMANDS = new Set(['auth', 'hello', 'migrate', 'acl']);

/**
 * ioredis attaches the failed command to its errors (`error.command.args`),
 * and for AUTH that is the username and password: anyone printing the error
 * (a logger, `util.inspect`) would show them. Such errors are made safe here
 * before they leave the library.
 */
export function redactRedisError<T>(error: T): T {
  if (error === null || typeof error !== 'object') return error;
  const command = (error as { command?: { name?: unknown; args?: unknown } }).command;
  if (command && typeof command === 'object' && SECRET_COMMANDS.has(String(command.name).toLowerCase())) {
    (error as { command?: unknown }).command = { name: command.name, args: ['(redacted)'] };
  }
  const cause = (error as { cause?: unknown }).cause;
  if (cause && cause !== error) redactRedisError(cause);
  return error;
}

/** The promise, with any rejection redacted. */
export function redacted<T>(promise: Promise<T>): Promise<T> {
  return promise.catch((error: unknown) => {
    throw redactRedisError(error);
  });
}
