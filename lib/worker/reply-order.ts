/**
 * Hands out fetched tasks in the order Redis gave them. A plain fetch and a
 * settle's fetch half go out on one connection, so Redis runs them, and
 * answers them, in the order they were sent; but the settle's reply passes
 * through more awaits (its retry, its decoding) before it is read, and a
 * fetch sent after it could have its tasks started first: newer tasks, of
 * lower priority too, ahead of older ones. Each call that fetches takes a
 * ticket as it is sent, and its reply is read only once every call sent
 * before it has been read or has failed. A fetch on a waker's own connection
 * takes none: Redis may run it before or after the others, so while it waits
 * a settle fetches nothing (QueueConsumer).
 */
export class ReplyOrder {
  private issued = 0;
  /** The ticket whose reply is read next. */
  private next = 0;
  /** Replies (or failures) that came before an earlier one was read, by ticket. */
  private readonly waiting = new Map<number, () => void>();

  /**
   * Sends a call that fetches, with a ticket taken in the same turn (so
   * tickets follow the order of the sends); a failed call drops its ticket.
   */
  send<T>(call: () => Promise<T>): Promise<{ ticket: number; reply: T }> {
    const ticket = this.issued++;
    let sending: Promise<T>;
    try {
      sending = call();
    } catch (error) {
      this.drop(ticket);
      return Promise.reject(error as Error);
    }
    return sending.then(
      (reply) => ({ ticket, reply }),
      (error: unknown) => {
        this.drop(ticket);
        throw error;
      },
    );
  }

  /** Runs `read` for the ticket's reply once every earlier ticket is done; never rejects unless `read` throws. */
  deliver<T>(ticket: number, read: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.arrive(ticket, () => {
        try {
          resolve(read());
        } catch (error) {
          reject(error as Error);
        }
      });
    });
  }

  /**
   * The ticket's reply will not be read (its call failed, or what was to read
   * it failed first): later replies need not wait for it. A no-op for a
   * ticket already read or on its way to be.
   */
  drop(ticket: number): void {
    if (ticket < this.next || this.waiting.has(ticket)) return;
    this.arrive(ticket, () => undefined);
  }

  private arrive(ticket: number, run: () => void): void {
    if (ticket !== this.next) {
      this.waiting.set(ticket, run);
      return;
    }
    run();
    this.next++;
    for (let after = this.waiting.get(this.next); after !== undefined; after = this.waiting.get(this.next)) {
      this.waiting.delete(this.next);
      after();
      this.next++;
    }
  }
}
