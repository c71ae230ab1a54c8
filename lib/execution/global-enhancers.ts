import { ForbiddenException, UnauthorizedException } from '@nestjs/common';
import type { ExternalContextCreator } from '@nestjs/core';
import type { GlobalEnhancerSettings } from '../config/resolved-options.js';
import { InvalidTaskOptionsError } from '../errors/invalid-task-options.error.js';

// Nest has no public switch to build a handler's context without the global
// enhancers. ExternalContextCreator asks each of its context creators for
// them through getGlobalMetadata(); a view of it whose creators answer with
// none leaves them out. These property names are Nest's own (the same from
// Nest 8 to 12); if a version changes them, asking for the view fails at
// bootstrap with a clear error rather than silently applying the globals.
type ContextCreatorInternals = {
  getGlobalMetadata?: (...args: unknown[]) => unknown[];
  /** The app's ApplicationConfig: its request-scoped and transient global guards are wrappers there, made per task. */
  config?: { getGlobalRequestGuards?: () => Array<{ metatype?: unknown }> };
};
type ExternalContextCreatorInternals = Partial<
  Record<'guardsContextCreator' | 'interceptorsContextCreator' | 'pipesContextCreator', ContextCreatorInternals>
>;

const CREATORS = { guards: 'guardsContextCreator', interceptors: 'interceptorsContextCreator', pipes: 'pipesContextCreator' } as const;

/** `creator`, or a view of it that leaves out the kinds of global enhancers `settings` turns off. */
export function contextCreatorFor(creator: ExternalContextCreator, settings: GlobalEnhancerSettings): ExternalContextCreator {
  const internals = creator as unknown as ExternalContextCreatorInternals;
  const overrides: ExternalContextCreatorInternals = {};
  for (const kind of ['guards', 'interceptors', 'pipes'] as const) {
    if (settings[kind]) continue;
    const inner = internals[CREATORS[kind]];
    if (!inner || typeof inner.getGlobalMetadata !== 'function') {
      throw new InvalidTaskOptionsError(`TaskModule options: globalEnhancers.${kind}: false is not supported by this version of @nestjs/core`);
    }
    overrides[CREATORS[kind]] = Object.assign(Object.create(inner) as ContextCreatorInternals, { getGlobalMetadata: () => [] });
  }
  return Object.keys(overrides).length === 0 ? creator : (Object.assign(Object.create(creator) as object, overrides) as unknown as ExternalContextCreator);
}

/**
 * The app's global guards (APP_GUARD providers and useGlobalGuards), for the
 * hint a denial carries: instances of the static ones, and the classes of the
 * request-scoped and transient ones, whose instances Nest makes per task.
 */
export function globalGuards(creator: ExternalContextCreator): Array<object | Function> {
  const guards = (creator as unknown as ExternalContextCreatorInternals).guardsContextCreator;
  const instances = (guards?.getGlobalMetadata?.() ?? []) as object[];
  const scoped = (guards?.config?.getGlobalRequestGuards?.() ?? []).map((wrapper) => wrapper.metatype).filter((type): type is Function => typeof type === 'function');
  return [...instances, ...scoped];
}

/**
 * A guard's refusal of a task (403, or the 401 of an authentication guard),
 * with a hint when the guard that refused is a global one: the usual cause is
 * an app-wide guard written for HTTP requests. The same exception class and
 * status, so the task still ends dead at once.
 */
export function explainDenial(error: unknown, deniedBy: object | undefined, globalGuardsOf: () => ReadonlyArray<object | Function>): unknown {
  const kind = error instanceof ForbiddenException ? ForbiddenException : error instanceof UnauthorizedException ? UnauthorizedException : null;
  if (!kind || !deniedBy) return error;
  // By identity, or by class for a global guard Nest made anew for this task (a request-scoped or transient one).
  const isGlobal = globalGuardsOf().some((guard) =>
    typeof guard === 'function' ? deniedBy instanceof guard : guard === deniedBy || guard.constructor === deniedBy.constructor,
  );
  if (!isGlobal) return error;
  const name = deniedBy.constructor?.name || 'a guard';
  const hint =
    `denied by ${name}, a global guard (APP_GUARD, useGlobalGuards): global guards run for tasks too. ` +
    `Let it pass tasks (context.getType() === 'task'), or leave global guards out with TaskModule's globalEnhancers: { guards: false }`;
  const explained = new kind(`${(error as Error).message} (${hint})`, { cause: error });
  explained.stack = (error as Error).stack;
  return explained;
}
