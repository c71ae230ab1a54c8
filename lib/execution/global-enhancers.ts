import { ForbiddenException } from '@nestjs/common';
import type { ExternalContextCreator } from '@nestjs/core';
import type { GlobalEnhancerSettings } from '../config/resolved-options.js';
import { InvalidTaskOptionsError } from '../errors/invalid-task-options.error.js';

// Nest has no public switch to build a handler's context without the global
// enhancers. ExternalContextCreator asks each of its context creators for
// them through getGlobalMetadata(); a view of it whose creators answer with
// none leaves them out. These property names are Nest's own (the same from
// Nest 8 to 12); if a version changes them, asking for the view fails at
// bootstrap with a clear error rather than silently applying the globals.
type ContextCreatorInternals = { getGlobalMetadata?: (...args: unknown[]) => unknown[] };
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

/** Class names of the app's static global guards, for the hint a denial carries. */
export function globalGuardNames(creator: ExternalContextCreator): string[] {
  const guards = (creator as unknown as ExternalContextCreatorInternals).guardsContextCreator?.getGlobalMetadata?.() ?? [];
  return guards.map((guard) => (guard as object | null)?.constructor?.name ?? 'a guard');
}

/**
 * A guard's denial of a task, with a hint when global guards ran: the usual
 * cause is an app-wide guard written for HTTP requests. Still a 403, so the
 * task still ends dead at once.
 */
export function explainDenial(error: unknown, globalGuardsOf: () => readonly string[]): unknown {
  if (!(error instanceof ForbiddenException)) return error;
  const globalGuards = globalGuardsOf();
  if (globalGuards.length === 0) return error;
  const hint =
    `a guard denied the task; global guards (APP_GUARD, useGlobalGuards) run for tasks too: ${globalGuards.join(', ')}. ` +
    `Let them pass tasks (context.getType() === 'task'), or leave them out with TaskModule's globalEnhancers: { guards: false }`;
  const explained = new ForbiddenException(`${error.message} (${hint})`, { cause: error });
  explained.stack = error.stack;
  return explained;
}
