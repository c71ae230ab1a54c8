// A producer app in its own process for the fault scenarios: a producer-only
// Nest app on the BUILT package (dist/cjs) that enqueues 'fault.work' tasks at
// a steady rate and reports every enqueue that resolved.
//
// env:
//   REDIS_URL, PREFIX   where the queue is
//   KEY_PREFIX          keys are `${KEY_PREFIX}${n}`, n from 0 (default "p")
//   RATE                tasks per second; 0 = as fast as MAX_IN_FLIGHT allows (default 100)
//   MAX_IN_FLIGHT       enqueues awaiting a reply at once, at most (default 200)
//   COUNT               stop after this many enqueues were issued (default: no limit)
//   DURATION_MS         stop after this long (default: no limit; SIGTERM stops it too)
//   ATTEMPTS, TIMEOUT_MS  module defaults of the tasks it adds (default 3 attempts, no timeout)
//   WORK_MS             payload.ms of every task (default: unset, the worker's range decides)
//
// stdout:
//   ready <pid>
//   enq <id> <k>            an enqueue resolved
//   enqfail <k> <message>   an enqueue rejected
//   done issued=<n> ok=<n> failed=<n>   then it closes its app and exits 0
'use strict';
const { Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { TaskModule, TaskQueue } = require('../../../dist/cjs/index.js');

const env = process.env;
const num = (name, fallback) => (env[name] === undefined || env[name] === '' ? fallback : Number(env[name]));
const out = (line) => process.stdout.write(line + '\n');

const keyPrefix = env.KEY_PREFIX || 'p';
const rate = num('RATE', 100);
const maxInFlight = num('MAX_IN_FLIGHT', 200);
const count = num('COUNT', Number.POSITIVE_INFINITY);
const durationMs = num('DURATION_MS', Number.POSITIVE_INFINITY);
const workMs = num('WORK_MS', undefined);

class FaultProducerModule {}
Module({
  imports: [
    TaskModule.forRoot({
      connection: env.REDIS_URL || 'redis://127.0.0.1:6379',
      prefix: env.PREFIX,
      worker: false,
      defaults: { attempts: num('ATTEMPTS', 3), ...(num('TIMEOUT_MS', 0) > 0 ? { timeout: num('TIMEOUT_MS', 0) } : {}) },
    }),
  ],
})(FaultProducerModule);

async function main() {
  const app = await NestFactory.createApplicationContext(FaultProducerModule, { logger: ['error', 'warn', 'log'] });
  const queue = app.get(TaskQueue);
  let issued = 0;
  let ok = 0;
  let failed = 0;
  let inFlight = 0;
  let stopping = false;
  let wakeDone = null;

  const issue = () => {
    const k = `${keyPrefix}${issued++}`;
    inFlight++;
    const payload = { k, at: Date.now() };
    if (workMs !== undefined) payload.ms = workMs;
    queue.enqueue('fault.work', payload).then(
      (ref) => {
        ok++;
        out(`enq ${ref.id} ${k}`);
      },
      (error) => {
        failed++;
        out(`enqfail ${k} ${JSON.stringify(String(error && error.message))}`);
      },
    ).finally(() => {
      inFlight--;
      if (rate === 0) pump();
      if (stopping && inFlight === 0 && wakeDone) wakeDone();
    });
  };

  const startedAt = Date.now();
  const canIssue = () => !stopping && issued < count && Date.now() - startedAt < durationMs && inFlight < maxInFlight;
  const pump = () => {
    if (stopping) return;
    if (issued >= count || Date.now() - startedAt >= durationMs) return stop();
    if (rate === 0) {
      while (canIssue()) issue();
      return;
    }
    // Steady rate: issue what is due by now; a backlog of replies beyond MAX_IN_FLIGHT skips ticks.
    const due = Math.floor(((Date.now() - startedAt) / 1000) * rate);
    while (issued < due && canIssue()) issue();
  };

  const done = new Promise((resolve) => {
    wakeDone = resolve;
  });
  const stop = () => {
    if (stopping) return;
    stopping = true;
    clearInterval(ticker);
    if (inFlight === 0) wakeDone();
  };
  const ticker = setInterval(pump, rate === 0 ? 50 : 10);
  process.once('SIGTERM', stop);
  out(`ready ${process.pid}`);
  pump();
  await done;
  out(`done issued=${issued} ok=${ok} failed=${failed}`);
  await app.close();
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`fault producer failed: ${error && error.stack}\n`);
    process.exit(1);
  },
);
