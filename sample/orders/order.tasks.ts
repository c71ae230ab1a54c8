import { Injectable, UseFilters, UseInterceptors, UsePipes, ValidationPipe } from '@nestjs/common';
import { TaskHandler, type TaskContext } from 'nestjs-redis-tasks';
import { LifecycleInterceptor } from './lifecycle.interceptor.js';
import { PlaceOrderDto } from './place-order.dto.js';
import { QuietFailuresFilter } from './quiet-failures.filter.js';

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });

/** The order pipeline's handlers. Every method runs through the class's interceptor and filter. */
@Injectable()
@UseInterceptors(LifecycleInterceptor)
@UseFilters(QuietFailuresFilter)
export class OrderTasks {
  /** Order in which 'email.send' tasks ran, to show priorities. */
  readonly emailOrder: string[] = [];
  /** Runs of the recurring stock check. */
  stockChecks = 0;

  @TaskHandler('order.validate')
  @UsePipes(new ValidationPipe({ transform: true }))
  validate(order: PlaceOrderDto) {
    return { orderId: order.orderId, valid: order instanceof PlaceOrderDto };
  }

  /** Flaky: the payment gateway is "busy" twice, then accepts. */
  @TaskHandler('order.charge', { attempts: 3, backoff: { type: 'fixed', delay: 200 } })
  charge(payload: { orderId: string; amountCents: number }, task: TaskContext) {
    if (task.attempt < 3) throw new Error(`payment gateway busy (attempt ${task.attempt})`);
    return { receipt: `rcpt-${payload.orderId}`, charged: payload.amountCents };
  }

  @TaskHandler('order.ship')
  async ship(payload: { orderId: string }, task: TaskContext) {
    await task.progress(100);
    return { trackingNumber: `TRK-${payload.orderId}` };
  }

  /** Slow: takes 2 s but is allowed 300 ms per attempt, so it ends dead after two timeouts. */
  @TaskHandler('report.build', { timeout: 300, attempts: 2, backoff: { type: 'fixed', delay: 100 } })
  async buildReport(_payload: { day: string }, task: TaskContext) {
    await sleep(2_000, task.signal);
    return { rows: 0 };
  }

  /** One at a time in this process, so queued emails run strictly in priority order. */
  @TaskHandler('email.send', { queue: 'emails', concurrency: 1 })
  async sendEmail(payload: { subject: string }) {
    this.emailOrder.push(payload.subject);
    return { sent: payload.subject };
  }

  @TaskHandler('order.confirm')
  confirm(payload: { orderId: string }) {
    return { confirmed: payload.orderId };
  }

  /** A recurring task: every app instance declares it, each occurrence runs once across the fleet. */
  @TaskHandler('stock.check', { schedule: { every: 500 } })
  checkStock(_payload: null, task: TaskContext) {
    this.stockChecks += 1;
    return { checkedBy: task.id };
  }

  /** One step of a small flow: each item is picked on its own... */
  @TaskHandler('item.pick')
  pick(payload: { sku: string }) {
    return { sku: payload.sku, bin: `bin-${payload.sku.length}` };
  }

  /** ...and the box is packed once every pick has completed, with their results. */
  @TaskHandler('order.pack')
  async pack(payload: { orderId: string }, task: TaskContext) {
    const picked = await task.dependencies<{ sku: string; bin: string }>();
    return { orderId: payload.orderId, items: Object.values(picked).map((p) => p.sku).sort() };
  }
}
