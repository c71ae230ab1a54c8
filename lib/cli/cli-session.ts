import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SCHEDULE_ENGINE, STORE_ACCESS_CHECK, STORE_REPLICA_READS } from '../engine/engine.tokens.js';
import type { ScheduleEngine } from '../engine/schedule-engine.js';
import { TaskModule } from '../module/task.module.js';
import { TaskQueue } from '../producer/task-queue.js';
import { connectionOf, type SessionSettings } from './cli-connection.js';

/**
 * How long the tool waits for Redis before failing: short, as a person or a
 * script is waiting, and an unreachable Redis should say so at once.
 */
export const CLI_CONNECT_TIMEOUT_MS = 3_000;

/** An open connection to the queues: the library's own TaskQueue, in a Nest context with no worker. */
export interface CliSession {
  queue: TaskQueue;
  /** Redis's clock (the engine's store time), epoch ms. */
  now(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Opens a Nest application context with `TaskModule.forRoot` and no worker,
 * so the tool goes through the library's own engine (no second copy of the key
 * layout), starts no worker and fires no schedule. Nest's logger is off (the
 * tool prints its own one-line errors), and a failed start rejects rather than
 * exiting the process, so the tool chooses the exit code.
 */
export async function openSession(settings: SessionSettings): Promise<CliSession> {
  const module = TaskModule.forRoot({
    connection: connectionOf(settings),
    prefix: settings.prefix,
    worker: false,
    connectTimeoutMs: CLI_CONNECT_TIMEOUT_MS,
  });
  // No bootstrap access check: an operator's rule may be read-only with +srem (docs/cli.md), which an app would be refused.
  // A command that only reads may ask a replica (an operator keeping the master's load down).
  module.providers = [...(module.providers ?? []), { provide: STORE_ACCESS_CHECK, useValue: false }, { provide: STORE_REPLICA_READS, useValue: settings.readsOnly }];
  const app: INestApplicationContext = await NestFactory.createApplicationContext(module, { logger: false, abortOnError: false });
  const schedules = app.get<ScheduleEngine>(SCHEDULE_ENGINE);
  return { queue: app.get(TaskQueue), now: () => schedules.now(), close: () => app.close() };
}
