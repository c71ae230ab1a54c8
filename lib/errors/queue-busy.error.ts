/** `obliterate` rejects with this while workers run tasks of the queue and `force` is not set. */
export class QueueBusyError extends Error {
  constructor(readonly queue: string, readonly running: number) {
    super(
      `obliterate('${queue}'): ${running} task(s) of the queue are running on its workers; stop those workers first, ` +
        'or pass { force: true } to remove the queue anyway (their outcomes are then discarded)',
    );
    this.name = 'QueueBusyError';
  }
}
