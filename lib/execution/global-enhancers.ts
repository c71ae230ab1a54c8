import { ForbiddenException, UnauthorizedException, type InjectionToken } from '@nestjs/common';
import type { ContextId, ExternalContextCreator, ModuleRef } from '@nestjs/core';
import type { GlobalEnhancerSettings } from '../config/resolved-options.js';
import { InvalidTaskOptionsError } from '../errors/invalid-task-options.error.js';

// Nest has no public switch to build a handler's context without the global
// enhancers. ExternalContextCreator asks each of its context creators for
// them through getGlobalMetadata(); a view of it whose creators answer with
// none leaves them out. These property names are Nest's own (the same from
// Nest 8 to 12); if a version changes them, asking for the view fails at
// bootstrap with a clear error rather than silently applying the globals.
/**
 * What Nest's ApplicationConfig keeps of a request-scoped or transient global
 * enhancer: its InstanceWrapper, whose instances are kept per context id (and,
 * for a transient one, per the id of what asked for it).
 */
export interface ScopedEnhancerWrapper {
  token?: unknown;
  metatype?: unknown;
  id?: string;
  isTransient?: boolean;
  getInstanceByContextId?(contextId: ContextId, inquirerId?: string): unknown;
  setInstanceByContextId?(contextId: ContextId, value: unknown, inquirerId?: string): void;
}
type ContextCreatorInternals = {
  getGlobalMetadata?: (...args: unknown[]) => unknown[];
  /** The app's ApplicationConfig: its request-scoped and transient global enhancers are wrappers there, made per task. */
  config?: Partial<Record<'getGlobalRequestGuards' | 'getGlobalRequestInterceptors' | 'getGlobalRequestPipes', () => ScopedEnhancerWrapper[]>>;
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

const SCOPED_GETTERS = { guards: 'getGlobalRequestGuards', interceptors: 'getGlobalRequestInterceptors', pipes: 'getGlobalRequestPipes' } as const;

/**
 * The app's request-scoped and transient global guards, interceptors and
 * pipes, of the kinds `settings` keeps. Nest makes these per request, for the
 * controllers it routes to; for a task they are made in the task's context
 * before its pipeline is built (see makeInContext), and a class with a
 * handler stays what it is: a singleton stays one.
 */
export function scopedGlobalEnhancers(creator: ExternalContextCreator, settings: GlobalEnhancerSettings): ScopedEnhancerWrapper[] {
  const internals = creator as unknown as ExternalContextCreatorInternals;
  const wrappers: ScopedEnhancerWrapper[] = [];
  for (const kind of ['guards', 'interceptors', 'pipes'] as const) {
    if (settings[kind]) wrappers.push(...(internals[CREATORS[kind]]?.config?.[SCOPED_GETTERS[kind]]?.() ?? []));
  }
  return wrappers.filter((wrapper) => wrapper.token !== undefined);
}

/**
 * Makes a scoped global enhancer in `contextId`, where the pipeline built for
 * that context with `inquirerId` finds it. Nest keeps a transient one made by
 * ModuleRef.resolve under its own id as the one that asked; the pipeline asks
 * as the handler's class (a request-scoped one), or as nothing (a singleton,
 * which Nest never routes to), so it is put there too: otherwise Nest would
 * hand the pipeline a stand-in whose constructor never ran.
 */
export async function makeInContext(wrapper: ScopedEnhancerWrapper, moduleRef: ModuleRef, contextId: ContextId, inquirerId: string | undefined): Promise<void> {
  await moduleRef.resolve(wrapper.token as InjectionToken, contextId, { strict: false });
  if (!wrapper.isTransient || wrapper.id === undefined || !wrapper.getInstanceByContextId || !wrapper.setInstanceByContextId) return;
  wrapper.setInstanceByContextId(contextId, wrapper.getInstanceByContextId(contextId, wrapper.id), inquirerId);
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
