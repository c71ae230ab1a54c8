import { BadRequestException } from '@nestjs/common';
import { InvalidTaskOptionsError } from '../errors/invalid-task-options.error.js';
import { TaskPayloadError } from '../errors/task-payload.error.js';
import { TASK_STATES, type TaskState } from '../interfaces/task-state.js';
import { MAX_SCHEDULES_PAGE, type QueuePageQuery, type SchedulesPageQuery } from './dashboard-reader.js';
import { LIST_ORDERS, type ListOrder } from './dashboard-views.js';

// Query strings and bodies of the API, read into checked values: a wrong one
// is a 400 naming the parameter, never a default picked silently.

const QUEUE_PAGE_PARAMETERS: readonly string[] = ['state', 'offset', 'limit', 'name', 'order'];

/** The query of a queue page: state (default waiting), offset, limit (default 50), name, order (default oldest). */
export function queuePageQuery(query: Readonly<Record<string, unknown>>): QueuePageQuery {
  const unknown = Object.keys(query).find((key) => !QUEUE_PAGE_PARAMETERS.includes(key));
  if (unknown !== undefined) throw new BadRequestException(`unknown query parameter '${unknown}' (known: ${QUEUE_PAGE_PARAMETERS.join(', ')})`);
  const state = text(query.state) ?? 'waiting';
  if (!TASK_STATES.includes(state as TaskState)) throw new BadRequestException(`state must be one of ${TASK_STATES.join(', ')}, got '${state}'`);
  const order = text(query.order) ?? 'oldest';
  if (!LIST_ORDERS.includes(order as ListOrder)) throw new BadRequestException(`order must be ${LIST_ORDERS.map((o) => `'${o}'`).join(' or ')}, got '${order}'`);
  const raw = text(query.name);
  const name = raw === undefined || raw === '' ? null : raw;
  // Newest first reads the state from its other end, counted by its total; a name filter has no total to count from.
  if (order === 'newest' && name !== null) throw new BadRequestException('order=newest cannot be combined with a name filter: the filter reads the state from its oldest end');
  return { state: state as TaskState, offset: integer(query.offset, 'offset', 0), limit: integer(query.limit, 'limit', 50), name, order: order as ListOrder };
}

const SCHEDULES_PAGE_PARAMETERS: readonly string[] = ['offset', 'limit'];

/** The query of a schedules page: offset (default 0), limit (default 50, at most MAX_SCHEDULES_PAGE). */
export function schedulesPageQuery(query: Readonly<Record<string, unknown>>): SchedulesPageQuery {
  const unknown = Object.keys(query).find((key) => !SCHEDULES_PAGE_PARAMETERS.includes(key));
  if (unknown !== undefined) throw new BadRequestException(`unknown query parameter '${unknown}' (known: ${SCHEDULES_PAGE_PARAMETERS.join(', ')})`);
  const limit = integer(query.limit, 'limit', 50);
  if (limit < 1 || limit > MAX_SCHEDULES_PAGE) throw new BadRequestException(`limit must be a whole number from 1 to ${MAX_SCHEDULES_PAGE}, got '${limit}'`);
  return { offset: integer(query.offset, 'offset', 0), limit };
}

/** The body of retry-dead: `{}` for every dead task of the queue, `{ "name": ... }` for those of one task name. */
export function retryDeadBody(body: unknown): { name: string | null } {
  if (body === undefined || body === null) return { name: null };
  if (typeof body !== 'object' || Array.isArray(body)) throw new BadRequestException('retry-dead: the body must be a JSON object { "name"?: string }');
  const unknown = Object.keys(body).find((key) => key !== 'name');
  if (unknown !== undefined) throw new BadRequestException(`retry-dead: unknown field '${unknown}' (known: name)`);
  const { name } = body as { name?: unknown };
  if (name === undefined) return { name: null };
  if (typeof name !== 'string' || name === '') throw new BadRequestException(`retry-dead: name must be a task name (a non-empty string), got ${JSON.stringify(name)}`);
  return { name };
}

/** Runs a TaskQueue call, turning its refusal of a bad argument into a 400 that says what was wrong. */
export async function asBadRequest<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    // A schema's refusal of an edited payload (enqueue again) is the request's fault too.
    if (error instanceof InvalidTaskOptionsError || error instanceof TaskPayloadError) throw new BadRequestException(error.message);
    throw error;
  }
}

function text(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new BadRequestException('query parameters must be given once each');
  return value;
}

function integer(value: unknown, name: string, fallback: number): number {
  const raw = text(value);
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d{1,9}$/.test(raw)) throw new BadRequestException(`${name} must be a whole number, got '${raw}'`);
  return Number(raw);
}
