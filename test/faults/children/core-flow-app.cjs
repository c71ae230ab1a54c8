// A worker-and-producer app in its own process that runs the whole core flow
// once (enqueue, run, attempts retried, dead then retry(), delayed, waitFor,
// get, cancel, counts, a second queue) against the Redis it is told to use.
// Used by the least-privilege and TLS fault scenarios: it runs the BUILT
// package (dist/cjs), with decorators applied by hand (plain JavaScript).
//
// env: REDIS_CONNECTION  a redis:// or rediss:// URL, or ioredis options as JSON
//      REDIS_TLS_CA_FILE optional: PEM file given to the options as tls.ca
//      TASKS_PREFIX      the key prefix (default 'tasks')
// stdout: "log <level> <message>" for every Nest log line (a custom LoggerService),
//         "step <name> ok" or "step <name> failed: <message>" per step,
//         "result <json>" with { enqueued, completed, duplicates, dead, lost } last.
// Exits 0 when every step passed, 1 otherwise; the app is closed either way.
'use strict';
const { readFileSync } = require('node:fs');
const { inspect } = require('node:util');
const { Injectable, Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { TaskFailedError, TaskHandler, TaskModule, TaskQueue } = require('../../../dist/cjs/index.js');

const raw = process.env.REDIS_CONNECTION;
if (!raw) throw new Error('REDIS_CONNECTION is required');
const connection = raw.startsWith('{') ? JSON.parse(raw) : raw;
if (process.env.REDIS_TLS_CA_FILE) {
  if (typeof connection === 'string') throw new Error('REDIS_TLS_CA_FILE needs REDIS_CONNECTION as JSON options');
  connection.tls = { ...connection.tls, ca: readFileSync(process.env.REDIS_TLS_CA_FILE) };
}
const prefix = process.env.TASKS_PREFIX || 'tasks';
const out = (line) => process.stdout.write(`${line}\n`);

/** Every Nest log line, printed so the parent can search it. */
class StdoutLogger {
  write(level, args) {
    out(`log ${level} ${args.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: 5 }))).join(' ').replace(/\n/g, '\\n')}`);
  }
  log(...args) { this.write('log', args); }
  error(...args) { this.write('error', args); }
  warn(...args) { this.write('warn', args); }
  debug(...args) { this.write('debug', args); }
  verbose(...args) { this.write('verbose', args); }
  fatal(...args) { this.write('fatal', args); }
}

/** Successful runs per task ("queue:id"): more than one is a duplicate. */
const successes = new Map();
const succeeded = (task) => successes.set(`${task.queue}:${task.id}`, (successes.get(`${task.queue}:${task.id}`) || 0) + 1);
let gateOpen = false;

class FlowTasks {
  async echo(payload, task) {
    await task.progress(50);
    succeeded(task);
    return { doubled: payload.n * 2 };
  }
  async flaky(payload, task) {
    if (task.attempt === 1) throw new Error('first attempt fails');
    succeeded(task);
    return { attempt: task.attempt };
  }
  async gate(payload, task) {
    if (!gateOpen) throw new Error('gate closed');
    succeeded(task);
    return 'opened';
  }
  async side(payload, task) {
    succeeded(task);
    return 'side';
  }
}
Injectable()(FlowTasks);
const decorate = (method, name, options) =>
  TaskHandler(name, options)(FlowTasks.prototype, method, Object.getOwnPropertyDescriptor(FlowTasks.prototype, method));
decorate('echo', 'flow.echo');
decorate('flaky', 'flow.flaky', { attempts: 2, backoff: { type: 'fixed', delay: 100 } });
decorate('gate', 'flow.gate', { attempts: 1 });
decorate('side', 'flow.side', { queue: 'side' });

class FlowModule {}
Module({
  imports: [
    TaskModule.forRoot({
      connection,
      prefix,
      connectTimeoutMs: 5_000,
      worker: { concurrency: 5, leaseMs: 5_000, shutdownGraceMs: 1_000 },
    }),
  ],
  providers: [FlowTasks],
})(FlowModule);

function check(condition, message) {
  if (!condition) throw new Error(message);
}

async function main() {
  const app = await NestFactory.createApplicationContext(FlowModule, { logger: new StdoutLogger() });
  let failed = 0;
  /** Refs of tasks meant to complete, and the one cancelled on purpose. */
  const refs = [];
  const step = async (name, body) => {
    try {
      await body();
      out(`step ${name} ok`);
    } catch (error) {
      failed += 1;
      out(`step ${name} failed: ${String(error && error.message).replace(/\n/g, '\\n')}`);
    }
  };
  try {
    const queue = app.get(TaskQueue);
    const wait = (ref) => queue.waitFor(ref, { timeout: 10_000 });

    await step('enqueue-waitFor-get', async () => {
      const ref = await queue.enqueue('flow.echo', { n: 21 });
      refs.push(ref);
      check(JSON.stringify(await wait(ref)) === '{"doubled":42}', 'waitFor did not return the result');
      const info = await queue.get(ref);
      check(info && info.state === 'completed' && info.attempts === 1 && info.progress === 50, `get: ${JSON.stringify(info)}`);
    });
    await step('enqueueMany', async () => {
      const many = await queue.enqueueMany(Array.from({ length: 20 }, (_, n) => ({ name: 'flow.echo', payload: { n } })));
      refs.push(...many);
      const results = await Promise.all(many.map(wait));
      check(results.every((r, n) => r.doubled === n * 2), 'a batch result is wrong');
    });
    await step('delayed', async () => {
      const ref = await queue.enqueue('flow.echo', { n: 1 }, { delay: 400 });
      refs.push(ref);
      check((await queue.get(ref)).state === 'delayed', 'not delayed right after enqueue');
      await wait(ref);
      const info = await queue.get(ref);
      check(info.runAt - info.enqueuedAt >= 400 && info.startedAt >= info.runAt, `started early: ${JSON.stringify(info)}`);
    });
    await step('attempt-retried', async () => {
      const ref = await queue.enqueue('flow.flaky', {});
      refs.push(ref);
      check((await wait(ref)).attempt === 2, 'flaky did not succeed on attempt 2');
      const info = await queue.get(ref);
      check(info.attempts === 2 && info.error && info.error.message === 'first attempt fails', `get: ${JSON.stringify(info)}`);
    });
    await step('dead-then-retry', async () => {
      const ref = await queue.enqueue('flow.gate', {});
      refs.push(ref);
      const error = await wait(ref).then(() => null, (e) => e);
      check(error instanceof TaskFailedError && error.message === 'gate closed', `waitFor did not reject: ${error}`);
      check((await queue.get(ref)).state === 'dead', 'not dead');
      check((await queue.counts()).dead === 1, 'counts().dead is not 1');
      gateOpen = true;
      check((await queue.retry(ref)) === true, 'retry returned false');
      check((await wait(ref)) === 'opened', 'retried task did not complete');
    });
    await step('cancel', async () => {
      const ref = await queue.enqueue('flow.echo', { n: 0 }, { delay: 60_000 });
      check((await queue.cancel(ref)) === true, 'cancel returned false');
      check((await queue.get(ref)) === null, 'cancelled task still readable');
      check((await queue.cancel(ref)) === false, 'second cancel returned true');
    });
    await step('second-queue', async () => {
      const ref = await queue.enqueue('flow.side', {});
      refs.push(ref);
      check(ref.queue === 'side', `queue is ${ref.queue}`);
      check((await wait(ref)) === 'side', 'side task did not complete');
    });
    await step('counts', async () => {
      const counts = await queue.counts();
      const expected = { blocked: 0, waiting: 0, delayed: 0, active: 0, completed: refs.length - 1, dead: 0, paused: false };
      check(JSON.stringify(counts) === JSON.stringify(expected), `counts ${JSON.stringify(counts)}, expected ${JSON.stringify(expected)}`);
      check((await queue.counts('side')).completed === 1, 'side queue counts wrong');
    });

    let completed = 0;
    let dead = 0;
    for (const ref of refs) {
      const info = await queue.get(ref).catch(() => null);
      if (info && info.state === 'completed') completed += 1;
      if (info && info.state === 'dead') dead += 1;
    }
    const duplicates = [...successes.values()].filter((n) => n > 1).length;
    out(`result ${JSON.stringify({ enqueued: refs.length, completed, duplicates, dead, lost: refs.length - completed - dead })}`);
  } finally {
    await app.close();
  }
  process.exitCode = failed === 0 ? 0 : 1;
}

main().catch((error) => {
  out(`fatal ${String(error && error.stack).replace(/\n/g, '\\n')}`);
  process.exitCode = 1;
});
