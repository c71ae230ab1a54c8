import { ROUTE_ARGS_METADATA } from './nest-metadata-keys.js';

/**
 * Kinds of handler parameters. The numbers are chosen for Nest's pipes: 3 is
 * what pipes see as 'body', so a ValidationPipe validates the payload; 6 is
 * seen as 'custom', which ValidationPipe leaves alone, so the context passes
 * through untouched.
 */
export enum TaskParamType {
  PAYLOAD = 3,
  CONTEXT = 6,
}

/**
 * Where parameter metadata lives: the same key Nest's own parameter decorators
 * use, so custom decorators made with `createParamDecorator` also work on task handlers.
 */
export const TASK_ARGS_METADATA = ROUTE_ARGS_METADATA;

/** One parameter's entry in that metadata. */
export interface TaskParamMetadata {
  index: number;
  data: string | undefined;
  pipes: unknown[];
}
