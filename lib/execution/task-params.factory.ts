import type { ParamData } from '@nestjs/common';
import type { ParamsFactory } from '@nestjs/core';
import { TaskContext, attemptOf } from './task-context.js';
import { TaskParamType } from './task-param-type.js';

/** Maps handler parameters to values: the payload (or one of its properties) and the TaskContext. */
export class TaskParamsFactory implements ParamsFactory {
  exchangeKeyForValue(type: number, data: ParamData, args: unknown[]): unknown {
    const [payload, ctx] = args;
    // Nest extracts parameters just before running the pipes over them.
    if (ctx instanceof TaskContext) attemptOf(ctx).stage = 'pipes';
    switch (type) {
      case TaskParamType.PAYLOAD:
        return typeof data === 'string' && payload !== null && typeof payload === 'object'
          ? (payload as Record<string, unknown>)[data]
          : payload;
      case TaskParamType.CONTEXT:
        return ctx;
      default:
        return undefined;
    }
  }
}
