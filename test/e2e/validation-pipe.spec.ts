import { BadRequestException, Injectable, UsePipes, ValidationPipe } from '@nestjs/common';
import { IsEmail, IsInt, Min } from 'class-validator';
import { TaskContext, TaskCtx, TaskHandler, TaskPayload } from '../../lib/index.js';
import { Journal, finalInfo, rejectionOf } from '../fixtures/pipeline-fixtures.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';

class SendEmailDto {
  @IsEmail()
  to!: string;

  /** Whether the handler saw a SendEmailDto instance (a class method exists only on instances). */
  isDto(): boolean {
    return true;
  }
}

class ChargeDto {
  @IsInt()
  @Min(1)
  cents!: number;
}

@Injectable()
class ValidatedTasks {
  constructor(private readonly journal: Journal) {}

  /** ValidationPipe bound to the method, the payload typed by the first parameter. */
  @TaskHandler('email.send', { attempts: 5 })
  @UsePipes(new ValidationPipe({ transform: true }))
  async send(payload: SendEmailDto, task: TaskContext) {
    this.journal.record(task.id, { instance: payload instanceof SendEmailDto, isDto: typeof payload.isDto === 'function', ctx: task });
    return { sentTo: payload.to };
  }

  /** ValidationPipe bound to one parameter; the context comes through @TaskCtx. */
  @TaskHandler('charge', { attempts: 5 })
  async charge(@TaskCtx() task: TaskContext, @TaskPayload(new ValidationPipe({ transform: true })) payload: ChargeDto) {
    this.journal.record(task.id, { instance: payload instanceof ChargeDto, ctx: task });
    return { charged: payload.cents, attempt: task.attempt };
  }

  /** Validated, then the handler itself throws a 400: that is a handler failure, not a validation one. */
  @TaskHandler('email.bounce', { attempts: 3 })
  @UsePipes(new ValidationPipe({ transform: true }))
  async bounce(payload: SendEmailDto, task: TaskContext) {
    this.journal.record(task.id, task.attempt);
    throw new BadRequestException(`mailbox of ${payload.to} is full`);
  }
}

describe('a ValidationPipe on a handler rejects a bad payload for good, keeping the validation details', () => {
  const prefix = uniquePrefix('validation-pipe');
  let t: TaskApp;
  let journal: Journal;

  beforeAll(async () => {
    // Any retry would come at once (no backoff), so a single attempt means none was made.
    t = await startTaskApp(prefix, [Journal, ValidatedTasks], { defaults: { attempts: 1, backoff: { type: 'fixed', delay: 0 } } });
    journal = t.get(Journal);
  });
  afterAll(async () => {
    await t.close();
    await removePrefix(prefix);
  });

  it('sends a bad payload straight to dead after 1 of 5 attempts, with the validation message', async () => {
    const ref = await t.queue.enqueue('email.send', { to: 'not-an-email' });
    const error = await rejectionOf(t.queue, ref);
    expect(error.message).toContain('to must be an email');

    const info = await finalInfo(t.queue, ref);
    expect(info).toMatchObject({ state: 'dead', attempts: 1, maxAttempts: 5 });
    expect(info.error?.message).toContain('to must be an email');
    expect(journal.of(ref.id)).toEqual([]);
  });

  it('hands a good payload to the handler as a DTO instance (transform: true) and completes', async () => {
    const ref = await t.queue.enqueue('email.send', { to: 'a@b.co' });
    await expect(t.queue.waitFor(ref, { timeout: 5_000 })).resolves.toEqual({ sentTo: 'a@b.co' });
    const [call] = journal.of<{ instance: boolean; isDto: boolean; ctx: TaskContext }>(ref.id);
    expect(call.instance).toBe(true);
    expect(call.isDto).toBe(true);
    // The pipe leaves the TaskContext parameter alone.
    expect(call.ctx).toBeInstanceOf(TaskContext);
    expect(call.ctx.id).toBe(ref.id);
    expect(await t.queue.get(ref)).toMatchObject({ state: 'completed', attempts: 1 });
  });

  it('validates through @TaskPayload(new ValidationPipe(...)): a bad payload is dead after 1 attempt with the details', async () => {
    const ref = await t.queue.enqueue('charge', { cents: 0 });
    const error = await rejectionOf(t.queue, ref);
    expect(error.message).toContain('cents must not be less than 1');

    const info = await finalInfo(t.queue, ref);
    expect(info).toMatchObject({ state: 'dead', attempts: 1, maxAttempts: 5 });
    expect(info.error?.message).toContain('cents must not be less than 1');
    expect(journal.of(ref.id)).toEqual([]);
  });

  it('passes a valid payload through @TaskPayload as a DTO and the TaskContext through @TaskCtx, in declared order', async () => {
    const ref = await t.queue.enqueue('charge', { cents: 250 });
    await expect(t.queue.waitFor(ref, { timeout: 5_000 })).resolves.toEqual({ charged: 250, attempt: 1 });
    const [call] = journal.of<{ instance: boolean; ctx: TaskContext }>(ref.id);
    expect(call.instance).toBe(true);
    expect(call.ctx).toBeInstanceOf(TaskContext);
    expect(call.ctx).toMatchObject({ id: ref.id, name: 'charge', queue: 'default', attempt: 1, maxAttempts: 5 });
  });

  it('retries an error the handler throws after validation passed, even a 400, while attempts remain', async () => {
    const ref = await t.queue.enqueue('email.bounce', { to: 'full@b.co' });
    const error = await rejectionOf(t.queue, ref);
    expect(error.message).toContain('mailbox of full@b.co is full');
    expect(journal.of(ref.id)).toEqual([1, 2, 3]);
    expect(await finalInfo(t.queue, ref)).toMatchObject({ state: 'dead', attempts: 3, maxAttempts: 3 });
  });
});
