import { BadRequestException } from '@nestjs/common';
import { asBadRequest, queuePageQuery } from '../../../lib/dashboard/dashboard-query.js';
import { InvalidTaskOptionsError, TaskPayloadError } from '../../../lib/index.js';

describe("the dashboard API's query and refusals", () => {
  it('reads a queue page query, refusing a parameter it does not know instead of ignoring it', () => {
    expect(queuePageQuery({ state: 'dead', offset: '50', limit: '10', name: 'mail.send' })).toEqual({ state: 'dead', offset: 50, limit: 10, name: 'mail.send' });
    expect(queuePageQuery({})).toEqual({ state: 'waiting', offset: 0, limit: 50, name: null });
    expect(() => queuePageQuery({ state: 'dead', limt: '10' })).toThrow(new BadRequestException("unknown query parameter 'limt' (known: state, offset, limit, name)"));
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
