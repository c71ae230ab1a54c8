import { BadRequestException } from '@nestjs/common';
import { InvalidTaskOptionsError } from '../errors/invalid-task-options.error.js';
import { TaskPayloadError } from '../errors/task-payload.error.js';
import { TASK_STATES, type TaskState } from '../interfaces/task-state.js';
import type { QueuePageQuery } from './dashboard-reader.js';

// Query strings of the API, read into checked values: a wrong one is a 400
// naming the parameter, never a default picked silently.

const QUEUE_PAGE_PARAMETERS: readonly string[] = ['state', 'offset', 'limit', 'name'];

/** The query of a queue page: state (default waiting), offset, limit (default 50), name. */
export function queuePageQuery(query: Readonly<Record<string, unknown>>): QueuePageQuery {
  const unknown = Object.keys(query).find((key) => !QUEUE_PAGE_PARAMETERS.includes(key));
  if (unknown !== undefined) throw new BadRequestException(`unknown query parameter '${unknown}' (known: ${QUEUE_PAGE_PARAMETERS.join(', ')})`);
  const state = text(query.state) ?? 'waiting';
  if (!TASK_STATES.includes(state as TaskState)) throw new BadRequestException(`state must be one of ${TASK_STATES.join(', ')}, got '${state}'`);
  const name = text(query.name);
  return { state: state as TaskState, offset: integer(query.offset, 'offset', 0), limit: integer(query.limit, 'limit', 50), name: name === undefined || name === '' ? null : name };
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
