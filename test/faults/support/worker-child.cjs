// A worker app in its own process for the fault scenarios. It runs the BUILT
// package (dist/cjs) as a CommonJS Nest app would, with decorators applied by
// hand since this file is plain JavaScript, and tells the parent exactly which
// tasks it is running, so the parent knows what was active on it when it was
// killed.
//
// env:
//   REDIS_URL, PREFIX        where the queue is
//   CONCURRENCY              worker.concurrency (default 5)
//   LEASE_MS                 worker.leaseMs (default 2000)
//   GRACE_MS                 worker.shutdownGraceMs (default 1000)
//   SLEEP_MIN_MS, SLEEP_MAX_MS  how long a handler works, uniformly at random (default 1..20)
//   RETAIN_COMPLETED         retention.completed.count (default: the library's default)
//   LOG_LEVELS               Nest log levels, comma separated (default "error,warn,log")
//
// The handler 'fault.work' reads its payload { k, at?, ms?, stall? }:
//   k      the producer's key for the task (unique per logical task)
//   at     Date.now() of the producer when it enqueued (for enqueue-to-start latency)
//   ms     work time, overriding the sleep range
//   stall  never resolve, and ignore the abort signal
//
// stdout, one line each, written synchronously (stdout is a pipe: blocking on Linux):
//   ready <pid>                       consuming
//   start <id> <attempt> <k> <lagMs>  a handler started (lagMs -1 when the payload has no `at`)
//   end <id> <attempt>                a handler returned (its outcome is recorded after this line)
//   abort <id> <attempt> <reason>     the attempt's signal aborted (TaskTimeoutError, or the reason's message)
// Other lines (Nest's logger) may appear in between; parsers ignore them.
'use strict';
const { Injectable, Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { TaskHandler, TaskModule } = require('../../../dist/cjs/index.js');

const env = process.env;
const num = (name, fallback) => (env[name] === undefined || env[name] === '' ? fallback : Number(env[name]));
const sleepMin = num('SLEEP_MIN_MS', 1);
const sleepMax = num('SLEEP_MAX_MS', 20);
const out = (line) => process.stdout.write(line + '\n');

function reasonOf(signal) {
  const reason = signal.reason;
  if (reason && reason.name && reason.name !== 'Error') return reason.name;
  return JSON.stringify(String((reason && reason.message) || reason));
}

class FaultTasks {
  async work(payload, task) {
    const lag = payload && typeof payload.at === 'number' ? Date.now() - payload.at : -1;
    out(`start ${task.id} ${task.attempt} ${payload && payload.k} ${lag}`);
    task.signal.addEventListener('abort', () => out(`abort ${task.id} ${task.attempt} ${reasonOf(task.signal)}`), { once: true });
    if (payload && payload.stall) {
      // Never settles and ignores the signal: only the attempt's timeout can free the slot.
      return new Promise(() => undefined);
    }
    const ms = payload && typeof payload.ms === 'number' ? payload.ms : sleepMin + Math.floor(Math.random() * (sleepMax - sleepMin + 1));
    await new Promise((resolve) => setTimeout(resolve, ms));
    out(`end ${task.id} ${task.attempt}`);
    return { k: payload && payload.k };
  }
}
Injectable()(FaultTasks);
TaskHandler('fault.work')(FaultTasks.prototype, 'work', Object.getOwnPropertyDescriptor(FaultTasks.prototype, 'work'));

const retainCompleted = num('RETAIN_COMPLETED', undefined);

class FaultWorkerModule {}
Module({
  imports: [
    TaskModule.forRoot({
      connection: env.REDIS_URL || 'redis://127.0.0.1:6379',
      prefix: env.PREFIX,
      worker: { concurrency: num('CONCURRENCY', 5), leaseMs: num('LEASE_MS', 2000), shutdownGraceMs: num('GRACE_MS', 1000) },
      ...(retainCompleted === undefined ? {} : { retention: { completed: { count: retainCompleted } } }),
    }),
  ],
  providers: [FaultTasks],
})(FaultWorkerModule);

const levels = (env.LOG_LEVELS || 'error,warn,log').split(',').filter(Boolean);
NestFactory.createApplicationContext(FaultWorkerModule, { logger: levels }).then(
  (app) => {
    app.enableShutdownHooks();
    out(`ready ${process.pid}`);
  },
  (error) => {
    process.stderr.write(`fault worker failed to start: ${error && error.stack}\n`);
    process.exit(1);
  },
);
