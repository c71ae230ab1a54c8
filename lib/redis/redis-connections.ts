import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { RedisUnavailableError } from '../errors/redis-unavailable.error.js';
import { RESOLVED_TASK_OPTIONS, type ResolvedTaskOptions } from '../config/resolved-options.js';
import { disconnectNow } from './client-close.js';
import { CLUSTER_SILENCE, clusterNodeTrouble, connectErrorText, connectRefusal, isErrorLike, isRetriesExhausted, plainToTlsHint, redisNamed } from './connect-refusal.js';
import { createRedisClient, type ConnectionRole } from './redis-client.factory.js';
import { isClusterClient, type RedisClient } from './redis-client.js';
import { scrub } from './redis-target.js';
import { evictionWarning, inspectServers } from './server-checks.js';
import { defineScripts, scriptCallsSettled } from './script-registry.js';
import { SERVED_QUEUES, STORE_ACCESS_CHECK, STORE_REPLICA_READS, type ServedQueues } from '../engine/engine.tokens.js';
import { timers } from '../timers/own-timers.js';

/**
 * Owns every Redis connection of the module: creates them (of the kind the
 * `connection` setting names; an app-owned instance is duplicated, never used
 * or closed itself), waits for them at bootstrap within `connectTimeoutMs` (in
 * onApplicationBootstrap, so a module that fails to initialise leaves no
 * socket open), looks at the server once (a Cluster node reached as a single
 * node is refused; an eviction policy is warned about), logs an outage once
 * (not once per reconnect attempt) and closes them all last, in
 * onApplicationShutdown, so handlers still draining can enqueue follow-ups.
 */
@Injectable()
export class RedisConnections implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('TaskModule');
  private readonly clients = new Set<RedisClient>();
  /** The last error of each connection that is down (scrubbed), until it is ready again. */
  private readonly lastErrors = new Map<RedisClient, string>();
  private readonly secrets: readonly string[];
  /** Where Redis is, for messages: host and port (or the sentinels and master name, or the cluster's nodes), never credentials. */
  readonly target: string;
  /** The module's key prefix, for messages about key permissions. */
  readonly prefix: string;
  /** The shared connection for scripts and reads (auto-pipelined by ioredis). */
  readonly command: RedisClient;
  private isClosed = false;
  private readiness: Promise<void> | null = null;

  constructor(
    @Inject(RESOLVED_TASK_OPTIONS) private readonly options: ResolvedTaskOptions,
    @Optional() @Inject(STORE_ACCESS_CHECK) private readonly accessCheck: boolean | null = null,
    @Optional() @Inject(SERVED_QUEUES) private readonly servedQueues: ServedQueues | null = null,
    @Optional() @Inject(STORE_REPLICA_READS) private readonly replicaReads: boolean | null = null,
  ) {
    this.target = options.connection.target;
    this.prefix = options.prefix;
    this.secrets = options.connection.secrets;
    this.command = this.track(createRedisClient(options.connection, 'command', options.connectTimeoutMs), 'command');
    defineScripts(this.command);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.whenReady();
  }

  /**
   * Connects the command connection and looks at the server, once: the first
   * call starts it (this bootstrap hook, or another that needs Redis and runs
   * beside it, as Nest runs a module's hooks together), every call gets the
   * same outcome. So nothing uses Redis before it answers, and a Redis that
   * does not fails bootstrap with this wait's error, after connectTimeoutMs.
   */
  whenReady(): Promise<void> {
    return (this.readiness ??= this.connect());
  }

  private async connect(): Promise<void> {
    await this.ready(this.command);
    const worker = this.options.worker !== null;
    // The queues the app uses, as far as bootstrap knows them: those its options name, and its worker's.
    const queues = new Set([...this.options.queues.keys(), ...(worker ? (this.servedQueues?.() ?? []) : [])]);
    let inspected: Awaited<ReturnType<typeof inspectServers>>;
    try {
      inspected = await inspectServers(this.command, this.target, {
        prefix: this.prefix,
        worker,
        queues: [...queues],
        durabilityReplicas: this.options.durability?.replicas ?? null,
        checkAccess: this.accessCheck !== false,
        allowReplica: this.replicaReads === true,
      });
    } catch (error) {
      await this.onApplicationShutdown();
      throw error;
    }
    for (const { where, policy } of inspected.policies) this.logger.warn(evictionWarning(policy, where));
    for (const warning of inspected.warnings) this.logger.warn(warning);
  }

  /** A new connected client for a blocking or subscriber role; `purpose` names it in its outage lines ("worker of queue 'emails'"). */
  async open(role: ConnectionRole, purpose?: string): Promise<RedisClient> {
    const client = this.track(createRedisClient(this.options.connection, role, this.options.connectTimeoutMs), role, purpose);
    await this.ready(client);
    return client;
  }

  /** Whether the app closed these connections (onApplicationShutdown ran). */
  get closed(): boolean {
    return this.isClosed;
  }

  /** An error message safe to show: credentials scrubbed. */
  safeMessage(error: unknown): string {
    const message = (isErrorLike(error) ? error.message : String(error))
      // ioredis's advice names an option this library sets itself (the command connection's retries): not the user's to change.
      .replace(/\.? ?Refer to "maxRetriesPerRequest" option for details\.?/, '.')
      // The Sentinel client's own schedule, which says nothing of what failed (the "Last error" after it does).
      .replace(/ Retrying from scratch after \d+ ?ms\./, '');
    return scrub(message, this.secrets, this.target);
  }

  /** Why the command connection is not ready (see TaskMaintenance.connectionTrouble); null when it is. */
  commandTrouble(): string | null {
    if (this.isClosed) return 'the app closed its Redis connections';
    const status = this.command.status;
    const last = this.lastErrors.get(this.command);
    // Without an error, a connection not ready yet (a handshake under way) says nothing of why Redis is silent.
    if (status === 'ready' || last === undefined) return null;
    const state = status === 'reconnecting' ? 'is reconnecting' : status === 'connecting' || status === 'connect' ? 'is connecting' : 'is down';
    return `the command connection to ${this.target} ${state} after: ${last}`;
  }

  /** Disconnects one client opened with `open` and forgets it. */
  drop(client: RedisClient): void {
    this.clients.delete(client);
    this.lastErrors.delete(client);
    disconnectNow(client);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    const clients = [...this.clients];
    this.clients.clear();
    await Promise.all(clients.map((client) => this.quit(client)));
  }

  private async quit(client: RedisClient): Promise<void> {
    // Nothing to let arrive: not connected, or between reconnect attempts while Redis is down.
    if (client.status === 'end' || client.status === 'wait' || client.status === 'reconnecting') {
      disconnectNow(client);
      return;
    }
    // QUIT lets replies in flight arrive, but not a script call's EVAL sent after its EVALSHA met NOSCRIPT:
    // those are let finish first. A dead server must not hold up shutdown (disconnectNow fails them and QUIT).
    const timer = timers.setTimeout(() => disconnectNow(client), 1_000);
    try {
      await scriptCallsSettled(client);
      await client.quit();
      // QUIT ends the connection but not what its connector opened beside it: through Sentinel, the failover
      // detector's subscriptions to every sentinel, which kept the process alive (ioredis closes them on
      // disconnect() only). After QUIT, disconnect() closes nothing else.
      client.disconnect();
    } catch {
      disconnectNow(client);
    } finally {
      timers.clearTimeout(timer);
    }
  }

  private track(client: RedisClient, role: ConnectionRole, purpose?: string): RedisClient {
    let down = false;
    // Each queue a worker serves has a blocking connection of its own: the line says whose it is.
    const which = purpose === undefined ? `Redis ${role} connection` : `Redis ${role} connection (${purpose})`;
    client.on('error', (error: unknown) => {
      // A dropped or closed client's last socket error (a handshake cut off by the drop) is no outage.
      if (client.status === 'wait' || !this.clients.has(client)) return;
      this.lastErrors.set(client, this.safeMessage(error));
      if (down) return;
      down = true;
      this.logger.warn(`${which} to ${this.target} failed (${this.safeMessage(error)}); reconnecting`);
    });
    client.on('ready', () => {
      this.lastErrors.delete(client);
      if (!down) return;
      down = false;
      // At the failure's own level: a log filtered to warnings shows the outage's end too.
      this.logger.warn(`${which} to ${this.target} restored`);
    });
    this.clients.add(client);
    return client;
  }

  /**
   * Resolves when the client is ready; fails after connectTimeoutMs naming
   * where Redis is, never the password, or at once when Redis refuses what no
   * reconnect mends (the login, the database number, a shape that names the
   * wrong kind of server, a TLS certificate this app does not accept).
   */
  private ready(client: RedisClient): Promise<void> {
    if (client.status === 'ready') return Promise.resolve();
    const timeoutMs = this.options.connectTimeoutMs;
    return new Promise<void>((resolve, reject) => {
      let lastError: unknown;
      const onError = (error: unknown) => {
        // The socket's own error tells why a connection failed; ioredis' retry limit for the commands sent
        // while connecting (AUTH, the ready check), which comes after it, only that they all did.
        if (!isRetriesExhausted(error) || lastError === undefined) lastError = error;
        const refusal = connectRefusal(error, this.target, (client.options as { db?: number }).db, (e) => this.safeMessage(e));
        if (refusal) giveUp(refusal);
      };
      // A Cluster that answered its startup node but whose announced nodes cannot be reached (NAT, a
      // tunnel, hostnames that do not resolve here) raises no error of its own: its nodes' errors tell.
      let nodeError: unknown;
      const onNodeError = (error: unknown) => {
        nodeError = error;
      };
      const giveUp = (error: Error) => {
        cleanup();
        this.drop(client);
        reject(error);
      };
      const cleanup = () => {
        timers.clearTimeout(timer);
        client.off('error', onError);
        client.off('node error', onNodeError);
        client.off('ready', onReady);
      };
      const onReady = () => {
        cleanup();
        resolve();
      };
      const timer = timers.setTimeout(() => {
        const safe = (e: unknown) => this.safeMessage(e);
        // A node's own connect timeout is no shorter than this one: an address that drops packets is never named.
        const unanswered = isClusterClient(client) ? `${silence(client)}${CLUSTER_SILENCE}` : silence(client);
        const cause =
          lastError !== undefined
            ? `: ${connectErrorText(lastError, safe)}${plainToTlsHint(lastError, usesTls(client), safe)}`
            : nodeError !== undefined
              ? `: ${clusterNodeTrouble(nodeError, safe)}`
              : unanswered;
        giveUp(new RedisUnavailableError(`could not connect to ${redisNamed(this.target)} within ${timeoutMs} ms${cause}`));
      }, timeoutMs);
      // Ahead of track()'s listener: an error that ends the wait drops the client first, so no
      // "reconnecting" is logged for a connection that will not reconnect.
      client.prependListener('error', onError);
      if (isClusterClient(client)) client.on('node error', onNodeError);
      client.once('ready', onReady);
      if (client.status === 'wait') {
        // Rejections here are reconnect attempts; readiness or the timer decides.
        client.connect().catch(() => undefined);
      }
    });
  }
}

/**
 * Why a connection that never failed did not become ready either: nothing
 * answered. With TLS, most often a rediss:// URL pointing at a port without TLS
 * (a plain Redis waits for a command the handshake never sends).
 */
export function silence(client: RedisClient): string {
  const tls = usesTls(client);
  // Still connecting: no TCP connection at all (a host or network dropping packets), whatever the protocol.
  if ((client as { stream?: { connecting?: boolean } }).stream?.connecting) return ': the connection was never established (a host or network that drops packets?)';
  return tls
    ? ': nothing answered the TLS handshake (a rediss:// URL or tls option needs a port where Redis speaks TLS)'
    : ': nothing answered (a server that accepts connections but does not reply, or a network that drops them)';
}

/** Whether the client speaks TLS (a rediss:// URL or the tls option; a Cluster's in its nodes' options). */
function usesTls(client: RedisClient): boolean {
  const options = client.options as { tls?: unknown; redisOptions?: { tls?: unknown } };
  return Boolean(options.tls ?? options.redisOptions?.tls);
}
