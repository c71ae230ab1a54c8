// A tiny CommonJS Nest app (what most existing apps are) using the built
// package by its name, as an installed dependency would be used. Decorators are
// applied by hand because this is plain JavaScript.
//
// env: REDIS_URL, TASKS_PREFIX. Prints one JSON line with the task's result.
// Exits 0 on its own once the app is closed (no connection left open).
'use strict';
const { Injectable, Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { Redis } = require('ioredis');
const { TaskContext, TaskHandler, TaskModule, TaskQueue } = require('nestjs-redis-tasks');

const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const prefix = process.env.TASKS_PREFIX;
if (!prefix) throw new Error('TASKS_PREFIX is required');

class GreetingTasks {
  async greet(payload, task) {
    return { greeting: `hello ${payload.name}`, attempt: task.attempt, contextIsTaskContext: task instanceof TaskContext };
  }
}
Injectable()(GreetingTasks);
TaskHandler('consumer.greet')(GreetingTasks.prototype, 'greet', Object.getOwnPropertyDescriptor(GreetingTasks.prototype, 'greet'));

class AppModule {}
Module({
  imports: [TaskModule.forRoot({ connection: redisUrl, prefix, worker: { concurrency: 2 } })],
  providers: [GreetingTasks],
})(AppModule);

async function removeKeys() {
  const redis = new Redis(redisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `{${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}

async function main() {
  const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error', 'warn'] });
  try {
    const queue = app.get(TaskQueue);
    const ref = await queue.enqueue('consumer.greet', { name: 'cjs' });
    const result = await queue.waitFor(ref, { timeout: 10_000 });
    const info = await queue.get(ref);
    // The main entry never loads @nestjs/terminus (an optional peer); the terminus entry does.
    const terminusLoadedByMain = Object.keys(require.cache).some((path) => path.includes('@nestjs/terminus'));
    const terminus = require('nestjs-redis-tasks/terminus');
    console.log(
      JSON.stringify({
        module: 'cjs',
        entry: require.resolve('nestjs-redis-tasks'),
        result,
        state: info && info.state,
        terminus: { entry: require.resolve('nestjs-redis-tasks/terminus'), indicator: typeof terminus.TaskHealthIndicator, loadedByMain: terminusLoadedByMain },
      }),
    );
  } finally {
    await app.close();
    await removeKeys();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
