import type { ExternalContextCreator } from '@nestjs/core';
import { InvalidTaskOptionsError } from '../errors/invalid-task-options.error.js';
import { TaskContext, attemptOf } from './task-context.js';

// Two things Nest's ExternalContextCreator does not do for tasks, made by a
// view of it (its prototype is the creator Nest gave, so everything else is
// Nest's own): the TaskContext argument skips the pipes, which apply to the
// payload only (Nest would run every pipe, global ones included, over every
// parameter), and the guard that denied a task is recorded in its attempt, so
// the denial's hint can name it. getParamValue and guardsConsumer.tryActivate
// are Nest's own names (the same from Nest 8 to 12); a version without them
// fails bootstrap with a clear error rather than silently piping the context.

type Guard = object;
interface GuardsConsumerInternals {
  tryActivate(guards: Guard[], args: unknown[], instance: object, callback: unknown, type?: string): Promise<boolean>;
}
interface CreatorInternals {
  getParamValue?: (value: unknown, metadata: unknown, pipes: unknown[]) => Promise<unknown>;
  guardsConsumer?: GuardsConsumerInternals;
}

/** `creator`, as a view that keeps the TaskContext out of the pipes and records which guard denied a task. */
export function taskContextCreator(creator: ExternalContextCreator): ExternalContextCreator {
  const internals = creator as unknown as CreatorInternals;
  const getParamValue = internals.getParamValue;
  const guards = internals.guardsConsumer;
  if (typeof getParamValue !== 'function' || !guards || typeof guards.tryActivate !== 'function') {
    throw new InvalidTaskOptionsError('TaskModule: this version of @nestjs/core is not supported (its ExternalContextCreator has no getParamValue or guardsConsumer)');
  }
  const guardsConsumer: GuardsConsumerInternals = Object.assign(Object.create(guards) as GuardsConsumerInternals, {
    async tryActivate(list: Guard[], args: unknown[], instance: object, callback: unknown, type?: string): Promise<boolean> {
      const ctx = args.find((arg): arg is TaskContext => arg instanceof TaskContext);
      // One at a time, as Nest runs them, so the one that says no (or throws) is known.
      for (const guard of list ?? []) {
        let allowed: boolean;
        try {
          allowed = await guards.tryActivate.call(guardsConsumer, [guard], args, instance, callback, type);
        } catch (error) {
          if (ctx) attemptOf(ctx).deniedBy = guard;
          throw error;
        }
        if (!allowed) {
          if (ctx) attemptOf(ctx).deniedBy = guard;
          return false;
        }
      }
      return true;
    },
  });
  const view: CreatorInternals = {
    guardsConsumer,
    getParamValue(this: unknown, value: unknown, metadata: unknown, pipes: unknown[]) {
      return value instanceof TaskContext ? Promise.resolve(value) : getParamValue.call(this, value, metadata, pipes);
    },
  };
  return Object.assign(Object.create(creator) as object, view) as unknown as ExternalContextCreator;
}
