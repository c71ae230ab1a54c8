import { ForbiddenException, UnauthorizedException, type InjectionToken } from '@nestjs/common';
import type { ContextId, ExternalContextCreator, ModuleRef } from '@nestjs/core';
import type { GlobalEnhancerSettings } from '../config/resolved-options.js';
import { InvalidTaskOptionsError } from '../errors/invalid-task-options.error.js';

/**
 * What Nest's ApplicationConfig keeps of a request-scoped or transient global
 * enhancer: its InstanceWrapper, whose instances are kept per context id (and,
 * for a transient one, per the id of what asked for it).
 */
export interface ScopedEnhancerWrapper {
  token?: unknown;
  metatype?: unknown;
  isAlias?: boolean;
  isTransient?: boolean;
  setInstanceByContextId?(contextId: ContextId, value: { instance: object; isResolved: boolean; isPending: boolean }, inquirerId?: string): void;
}

// Nest has no public switch to build a handler's context without the global
// enhancers. ExternalContextCreator asks each of its context creators for
// them through getGlobalMetadata(); a view of it whose creators answer with
// none leaves them out. These property names are Nest's own (the same from
// Nest 8 to 12); if a version changes them, asking for the view fails at
// bootstrap with a clear error rather than silently applying the globals.
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

/** The app's static global guards (APP_GUARD providers and useGlobalGuards), for the hint a denial carries. */
export function globalGuards(creator: ExternalContextCreator): object[] {
  return ((creator as unknown as ExternalContextCreatorInternals).guardsContextCreator?.getGlobalMetadata?.() ?? []) as object[];
}

/**
 * Whether the app has a global guard of any scope, as far as this
 * @nestjs/core lets it be read; `undefined` when it cannot tell.
 */
export function hasGlobalGuard(creator: ExternalContextCreator): boolean | undefined {
  const guards = (creator as unknown as ExternalContextCreatorInternals).guardsContextCreator;
  const scoped = guards?.config?.getGlobalRequestGuards;
  if (typeof guards?.getGlobalMetadata !== 'function' || typeof scoped !== 'function') return undefined;
  return guards.getGlobalMetadata().length > 0 || scoped.call(guards.config).length > 0;
}

const SCOPED_GETTERS = { guards: 'getGlobalRequestGuards', interceptors: 'getGlobalRequestInterceptors', pipes: 'getGlobalRequestPipes' } as const;

/** A request-scoped or transient global enhancer, and which kind it is. */
export interface ScopedGlobal {
  kind: 'guards' | 'interceptors' | 'pipes';
  wrapper: ScopedEnhancerWrapper;
}

/**
 * The reader of the app's request-scoped and transient global guards,
 * interceptors and pipes, of the kinds `settings` keeps. Nest makes these per
 * request, for the controllers it routes to; for a task they are made in the
 * task's context before its pipeline is built (see makeInContext), and a
 * class with a handler stays what it is: a singleton stays one. Made at
 * bootstrap, read at each task (the app registers them after this module is
 * made). Throws when this @nestjs/core keeps them where it cannot look:
 * reading nothing would run tasks without the app's scoped global guards.
 */
export function scopedGlobalReader(creator: ExternalContextCreator, settings: GlobalEnhancerSettings): () => ScopedGlobal[] {
  const internals = creator as unknown as ExternalContextCreatorInternals;
  const readers = (['guards', 'interceptors', 'pipes'] as const)
    .filter((kind) => settings[kind])
    .map((kind) => {
      const config = internals[CREATORS[kind]]?.config;
      const getter = config?.[SCOPED_GETTERS[kind]];
      if (typeof getter !== 'function') {
        throw new InvalidTaskOptionsError(
          `TaskModule: this version of @nestjs/core keeps its request-scoped and transient global ${kind} where this library cannot read them, ` +
            `so tasks would run without them; use a supported @nestjs/core (11 or 12), or leave global ${kind} out of tasks with globalEnhancers: { ${kind}: false }`,
        );
      }
      return { kind, read: () => getter.call(config) };
    });
  return () => readers.flatMap(({ kind, read }) => read().filter((wrapper) => wrapper.token !== undefined).map((wrapper) => ({ kind, wrapper })));
}

/**
 * Makes a scoped global enhancer in `contextId`, where the pipeline built for
 * that context with `inquirerId` finds it, and returns it. ModuleRef.resolve
 * makes it, but keeps it where a route would not look: for an alias
 * (`useExisting`), on the provider it stands for; for a transient one, under
 * its own id as the one that asked, where the pipeline asks as the handler's
 * class (a request-scoped one) or as nothing (a singleton, which Nest never
 * routes to). It is put where the pipeline looks too: otherwise Nest would
 * hand the pipeline nothing (an alias's guard would never run) or a stand-in
 * whose constructor never ran.
 */
export async function makeInContext(wrapper: ScopedEnhancerWrapper, moduleRef: ModuleRef, contextId: ContextId, inquirerId: string | undefined): Promise<object> {
  const instance = await moduleRef.resolve<object>(wrapper.token as InjectionToken, contextId, { strict: false });
  if ((wrapper.isAlias || wrapper.isTransient) && wrapper.setInstanceByContextId) {
    wrapper.setInstanceByContextId(contextId, { instance, isResolved: true, isPending: false }, inquirerId);
  }
  return instance;
}

/**
 * A guard's refusal of a task (403, or the 401 of an authentication guard),
 * with a hint when the guard that refused is a global one: the usual cause is
 * an app-wide guard written for HTTP requests. The same exception class and
 * status, so the task still ends dead at once.
 */
export function explainDenial(error: unknown, deniedBy: object | undefined, globalGuardsOf: () => readonly object[]): unknown {
  const kind = error instanceof ForbiddenException ? ForbiddenException : error instanceof UnauthorizedException ? UnauthorizedException : null;
  if (!kind || !deniedBy) return error;
  // The app's global guards, the scoped ones as made for this task: the one that denied is among them by identity.
  const isGlobal = globalGuardsOf().includes(deniedBy);
  if (!isGlobal) return error;
  const name = deniedBy.constructor?.name || 'a guard';
  const hint =
    `denied by ${name}, a global guard (APP_GUARD, useGlobalGuards): global guards run for tasks too. ` +
    `Let it pass tasks (context.getType() === 'task'), or leave global guards out with TaskModule's globalEnhancers: { guards: false }`;
  const explained = new kind(`${(error as Error).message} (${hint})`, { cause: error });
  explained.stack = (error as Error).stack;
  return explained;
}
