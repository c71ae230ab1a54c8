import type { PipeTransform, Type } from '@nestjs/common';
import { TASK_ARGS_METADATA, TaskParamType, type TaskParamMetadata } from '../execution/task-param-type.js';

type Pipe = Type<PipeTransform> | PipeTransform;

function assign(type: TaskParamType, data: string | undefined, pipes: Pipe[]): ParameterDecorator {
  return (target, key, index) => {
    if (key === undefined) throw new TypeError('task parameter decorators go on handler method parameters');
    const host = target.constructor;
    const existing = (Reflect.getMetadata(TASK_ARGS_METADATA, host, key) ?? {}) as Record<string, TaskParamMetadata>;
    Reflect.defineMetadata(TASK_ARGS_METADATA, { ...existing, [`${type}:${index}`]: { index, data, pipes } }, host, key);
  };
}

/**
 * The task's payload (or one property of it), run through the given pipes
 * after the global, class and method ones. Undecorated handlers get the
 * payload first and the TaskContext second without it.
 */
export function TaskPayload(...pipes: Pipe[]): ParameterDecorator;
export function TaskPayload(property: string, ...pipes: Pipe[]): ParameterDecorator;
export function TaskPayload(propertyOrPipe?: string | Pipe, ...pipes: Pipe[]): ParameterDecorator {
  if (typeof propertyOrPipe === 'string') return assign(TaskParamType.PAYLOAD, propertyOrPipe, pipes);
  return assign(TaskParamType.PAYLOAD, undefined, propertyOrPipe === undefined ? pipes : [propertyOrPipe, ...pipes]);
}

/** The running task's TaskContext. */
export function TaskCtx(): ParameterDecorator {
  return assign(TaskParamType.CONTEXT, undefined, []);
}
