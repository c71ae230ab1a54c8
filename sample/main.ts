import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { TaskFailedError, TaskQueue, type TaskRef } from 'nestjs-redis-tasks';
import { AppModule } from './app.module.js';
import { chooseEngine, engineLabel, removeSampleKeys } from './engine.js';
import { OrderTasks } from './orders/order.tasks.js';
import { printLine } from './print.js';
import { printSummary, type Expectation } from './summary.js';

async function main(): Promise<number> {
  const { engine, line } = await chooseEngine();
  // The first line says which engine runs, and how to point the sample at a Redis.
  printLine(line);
  const app = await NestFactory.createApplicationContext(AppModule.on(engine), { logger: ['log', 'warn', 'error'] });
  app.enableShutdownHooks();
  const tasks = app.get(TaskQueue);
  const expectations: Expectation[] = [];
  const expect = (label: string, ref: TaskRef, state: 'completed' | 'dead', attempts: number) =>
    expectations.push({ label, ref, state, attempts });

  // 1. A payload checked by a ValidationPipe: the valid order passes, the bad email goes dead at once.
  const valid = await tasks.enqueue('order.validate', { orderId: 'A-1', email: 'ada@example.com', amountCents: 4200 });
  const invalid = await tasks.enqueue('order.validate', { orderId: 'A-2', email: 'not-an-email', amountCents: 100 });
  expect('validate a good order', valid, 'completed', 1);
  expect('validate a bad email (no retry)', invalid, 'dead', 1);

  // 2. A flaky task that succeeds on its third attempt; waitFor gives its result without polling.
  const charge = await tasks.enqueue('order.charge', { orderId: 'A-1', amountCents: 4200 });
  expect('flaky charge', charge, 'completed', 3);

  // 3. A delayed task, due in one second.
  const ship = await tasks.enqueue('order.ship', { orderId: 'A-1' }, { delay: 1_000 });
  expect('delayed shipping (1 s)', ship, 'completed', 1);

  // 4. A slow task that hits its 300 ms timeout on both attempts.
  const report = await tasks.enqueue('report.build', { day: '2026-11-21' });
  expect('slow report (timeout)', report, 'dead', 2);

  // 5. Priorities: one batch, so all four wait together; they run highest first.
  const emails = await tasks.enqueueMany([
    { name: 'email.send', payload: { subject: 'newsletter' }, options: { priority: -5 } },
    { name: 'email.send', payload: { subject: 'receipt' } },
    { name: 'email.send', payload: { subject: 'password reset' }, options: { priority: 100 } },
    { name: 'email.send', payload: { subject: 'shipping update' }, options: { priority: 10 } },
  ]);
  emails.forEach((ref, i) => expect(`email ${i + 1}`, ref, 'completed', 1));

  // 6. Idempotent enqueue: the same id twice is one task.
  const first = await tasks.enqueue('order.confirm', { orderId: 'A-1' }, { id: 'confirm-A-1' });
  const second = await tasks.enqueue('order.confirm', { orderId: 'A-1 (again)' }, { id: 'confirm-A-1' });
  printLine(`idempotent enqueue: first ${first.id}, second ${second.id} (same task: ${first.id === second.id})`);
  expect('idempotent confirm', first, 'completed', 1);

  // 7. A flow: packing waits ('blocked') until both picks have completed, then gets their results.
  const picks = await tasks.enqueueMany([
    { name: 'item.pick', payload: { sku: 'LAMP-1' } },
    { name: 'item.pick', payload: { sku: 'DESK-22' } },
  ]);
  const pack = await tasks.enqueue('order.pack', { orderId: 'A-1' }, { dependsOn: picks, delay: 200 });
  printLine(`order.pack #${pack.id} enqueued depending on ${picks.map((p) => p.id).join(' and ')}: ${(await tasks.get(pack))?.state}`);
  picks.forEach((ref, i) => expect(`pick ${i + 1}`, ref, 'completed', 1));
  expect('pack after both picks', pack, 'completed', 1);

  const receipt = await tasks.waitFor(charge, { timeout: 15_000 });
  printLine(`waitFor(order.charge) resolved with ${JSON.stringify(receipt)}`);
  await tasks.waitFor(report, { timeout: 15_000 }).catch((error: unknown) => {
    if (error instanceof TaskFailedError) printLine(`waitFor(report.build) rejected: ${error.message}`);
    else throw error;
  });
  for (const { ref } of expectations) await tasks.waitFor(ref, { timeout: 15_000 }).catch(() => undefined);

  const { emailOrder, stockChecks } = app.get(OrderTasks);
  const stock = (await tasks.schedules()).find((s) => s.id === 'stock.check');
  printLine(`recurring stock.check (every ${stock?.every} ms) has run ${stockChecks} time(s); next at ${stock ? new Date(stock.next).toISOString() : '?'}`);
  printLine(`emails ran in this order: ${emailOrder.join(' > ')}`);
  const ok = await printSummary(tasks, engineLabel(engine), expectations, [
    { label: 'second enqueue with the same id returned the first task', ok: first.id === second.id },
    { label: 'emails ran by priority', ok: emailOrder.join(',') === 'password reset,shipping update,receipt,newsletter' },
    { label: 'the bad email was rejected by validation', ok: /email must be an email/.test((await tasks.get(invalid))?.error?.message ?? '') },
    { label: 'the recurring stock check ran', ok: stockChecks >= 1 },
    {
      label: 'pack got both picks and ran after them',
      ok:
        JSON.stringify((await tasks.get(pack))?.result) === JSON.stringify({ orderId: 'A-1', items: ['DESK-22', 'LAMP-1'] }) &&
        ((await tasks.get(pack))?.startedAt ?? 0) >= Math.max(...(await Promise.all(picks.map(async (p) => (await tasks.get(p))?.finishedAt ?? Infinity)))),
    },
  ]);

  // Closed first: a running app saves its declared schedule again when it finds it gone (the stock check's
  // keys came back after the removal and were left behind).
  await app.close();
  await removeSampleKeys(engine);
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
