import { BadRequestException } from '@nestjs/common';
import { asBadRequest, queuePageQuery, retryDeadBody } from '../../../lib/dashboard/dashboard-query.js';
import { InvalidTaskOptionsError, TaskPayloadError } from '../../../lib/index.js';

describe("the dashboard API's query and refusals", () => {
  it('reads a queue page query, refusing a parameter it does not know instead of ignoring it', () => {
    expect(queuePageQuery({ state: 'dead', offset: '50', limit: '10', name: 'mail.send' })).toEqual({ state: 'dead', offset: 50, limit: 10, name: 'mail.send', order: 'oldest' });
    expect(queuePageQuery({})).toEqual({ state: 'waiting', offset: 0, limit: 50, name: null, order: 'oldest' });
    expect(() => queuePageQuery({ state: 'dead', limt: '10' })).toThrow(new BadRequestException("unknown query parameter 'limt' (known: state, offset, limit, name, order)"));
  });

  it('reads the order, newest or oldest first, and refuses any other, or newest with a name filter (which reads from the oldest end)', () => {
    expect(queuePageQuery({ state: 'dead', order: 'newest' })).toEqual({ state: 'dead', offset: 0, limit: 50, name: null, order: 'newest' });
    expect(queuePageQuery({ state: 'completed', order: 'oldest', offset: '50' })).toMatchObject({ order: 'oldest', offset: 50 });
    expect(() => queuePageQuery({ state: 'dead', order: 'latest' })).toThrow(new BadRequestException("order must be 'oldest' or 'newest', got 'latest'"));
    expect(() => queuePageQuery({ state: 'dead', order: 'newest', name: 'mail.send' })).toThrow('order=newest cannot be combined with a name filter');
  });

  it('reads the body of retry-dead: every dead task, or those of one name', () => {
    expect(retryDeadBody({})).toEqual({ name: null });
    expect(retryDeadBody(undefined)).toEqual({ name: null });
    expect(retryDeadBody({ name: 'mail.send' })).toEqual({ name: 'mail.send' });
    expect(() => retryDeadBody({ name: '' })).toThrow(new BadRequestException('retry-dead: name must be a task name (a non-empty string), got ""'));
    expect(() => retryDeadBody({ name: 3 })).toThrow('retry-dead: name must be a task name');
    expect(() => retryDeadBody({ names: ['a'] })).toThrow("retry-dead: unknown field 'names' (known: name)");
  });

  it("answers a refused argument and a schema's refusal of an edited payload with 400, and passes anything else on", async () => {
    const refusedBy = async (error: Error) => asBadRequest(() => Promise.reject(error)).catch((caught: unknown) => caught);
    const schema = await refusedBy(new TaskPayloadError('mail.send', [{ message: 'Invalid email', path: ['to'] }]));
    expect(schema).toBeInstanceOf(BadRequestException);
    expect((schema as BadRequestException).message).toBe("enqueue('mail.send'): the payload does not match the task's schema: to: Invalid email");
    expect(await refusedBy(new InvalidTaskOptionsError('list: limit must be ...'))).toBeInstanceOf(BadRequestException);
    const other = new Error('Redis is down');
    expect(await refusedBy(other)).toBe(other);
  });
});
