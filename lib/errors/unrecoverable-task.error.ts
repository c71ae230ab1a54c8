/** Throw from a handler to send the task straight to dead: no further attempts. */
export class UnrecoverableTaskError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UnrecoverableTaskError';
  }
}
