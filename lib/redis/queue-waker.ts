import type { FetchReply, FetchRequest } from '../engine/attempt.js';
import type { QueueWaker } from '../engine/event-reader.js';
import { sendFlatCommand } from './flat-command.js';
import { isClusterClient, type RedisClient } from './redis-client.js';
import type { RedisConnections } from './redis-connections.js';
import { within } from '../timers/own-timers.js';

/** How long a poke stays in its marker when no wait takes it (a worker that died in between leaves nothing for good). */
const POKE_TTL_MS = 60_000;
/** How long close() lets a poked wait's fetch reply arrive before it drops the connection anyway. */
const CLOSE_GRACE_MS = 1_000;

/**
 * The socket of a single-node client that is ready to write, corked: what is
 * written until uncork() leaves in one system call. Null for a Cluster client
 * (its commands go to a node's connection picked per command) and for a client
 * that is not ready (its commands wait in ioredis's offline queue).
 */
function corkedSocketOf(client: RedisClient): { uncork(): void } | null {
  if (isClusterClient(client) || client.status !== 'ready') return null;
  const socket = client.stream;
  if (!socket?.writable) return null;
  socket.cork();
  return socket;
}

/** What a BlockingQueueWaker works with. */
export interface BlockingWakerParts {
  /** A connection of its own: BZPOPMIN blocks it. The fetch goes out on it with runScript (no pipeline, so no defineScripts). */
  client: RedisClient;
  /** The queue's marker, those of the handlers the worker carries, then `ownMark` (one slot: one hash tag). */
  markKeys: readonly string[];
  /** This waker's own marker: poke() adds to it. */
  ownMark: string;
  /** The shared command connection, which poke() uses (the blocking one is busy). */
  command: RedisClient;
  /** Closes `client`. */
  owner: RedisConnections;
  /** The fetch script on `client`. */
  fetch(request: FetchRequest): Promise<FetchReply>;
}

/**
 * An idle worker costs Redis nothing until a task is added: it blocks in
 * BZPOPMIN on the queue's marker keys, and its fetch is sent right behind, on
 * the same connection. Redis keeps the fetch in that connection's input until
 * BZPOPMIN returns and then runs it at once, so a wake-up reaches the worker
 * with its tasks: one round trip instead of two. The timeout is only a safety
 * net: due times of delayed tasks are kept by a local timer, which pokes.
 */
export class BlockingQueueWaker implements QueueWaker {
  private closed = false;
  /** The fetch behind a wait in progress, settled either way. */
  private inFlight: Promise<void> | null = null;

  constructor(private readonly parts: BlockingWakerParts) {}

  fetchAfterNews(request: FetchRequest, timeoutMs: number): Promise<FetchReply> {
    if (this.closed) return Promise.reject(new Error('queue waker is closed'));
    const { client, markKeys } = this.parts;
    // Both commands leave in one socket write: a write costs tens of microseconds of
    // system time on a loopback or virtual network, and an idle worker re-arms once per task.
    const socket = corkedSocketOf(client);
    let fetched: Promise<FetchReply>;
    try {
      // BZPOPMIN fails only with its connection, which fails the fetch behind it too: the fetch's rejection is the one reported.
      sendFlatCommand(client, 'bzpopmin', [...markKeys, Math.max(0.01, timeoutMs / 1000)]).catch(() => undefined);
      fetched = this.parts.fetch(request);
    } finally {
      socket?.uncork();
    }
    const settled = fetched.then(
      () => undefined,
      () => undefined,
    );
    this.inFlight = settled;
    void settled.then(() => {
      if (this.inFlight === settled) this.inFlight = null;
    });
    return fetched;
  }

  poke(): void {
    if (this.closed) return;
    this.send();
  }

  /** Adds to this waker's own marker, from the command connection. */
  private send(): void {
    const { command, ownMark } = this.parts;
    // Lost pokes only cost time: the wait still ends at its timeout.
    command
      .pipeline()
      .zadd(ownMark, 0, '0')
      .pexpire(ownMark, POKE_TTL_MS)
      .exec()
      .catch(() => undefined);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const waiting = this.inFlight;
    if (waiting) {
      // Dropping the connection now could lose a reply whose tasks Redis already
      // leased to this worker: end the wait instead and let the reply arrive.
      this.send();
      await within(waiting, CLOSE_GRACE_MS, undefined);
    }
    this.parts.owner.drop(this.parts.client);
  }
}
