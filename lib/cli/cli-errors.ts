/** A command line the tool cannot run (unknown command or option, missing or malformed argument): exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A command that ran but could not do what was asked (no such task, a task in the wrong state): exit code 1. */
export class CommandFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandFailure';
  }
}

/** Exit codes of the command line tool. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;
