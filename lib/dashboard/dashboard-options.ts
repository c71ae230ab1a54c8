import type { CanActivate, ModuleMetadata, Type } from '@nestjs/common';
import { checkKnownKeys, describeValue, isOptionsObject, type OptionKeys } from '../config/option-checks.js';
import { InvalidTaskOptionsError } from '../errors/invalid-task-options.error.js';

/** A guard for the dashboard's routes: a class Nest instantiates (in the dashboard module) or an instance. */
export type DashboardGuard = Type<CanActivate> | CanActivate;

/** Options of `TaskDashboardModule.forRoot`. */
export interface TaskDashboardOptions {
  /** Where the dashboard is served, e.g. `'/tasks'` (under the app's global prefix, if it has one). */
  path: string;
  /** Shows no action and refuses every POST with 403 (default false). */
  readOnly?: boolean | undefined;
  /**
   * Guards run before every dashboard route (page, assets, API and actions): put your auth guard here.
   * Left out, and with no global guard in the app, start-up warns that the dashboard is open to anyone
   * who reaches the app; `[]` says it is meant to be (a private network, an authenticating proxy).
   */
  guards?: DashboardGuard[] | undefined;
  /** Modules the dashboard's module imports, so a guard class can inject their providers (e.g. `[AuthModule]` for a JWT guard). */
  imports?: ModuleMetadata['imports'] | undefined;
  /**
   * The host names the dashboard answers for (the request's `Host`, port aside; `'.example.com'` also
   * takes its subdomains); any other gets 403. Against DNS rebinding, which lets a website a user visits
   * reach a dashboard on their network under the website's own name: set it for a dashboard without an
   * authenticating guard. Left out, any host.
   */
  allowedHosts?: string[] | undefined;
}

/** The options, checked and with defaults. */
export interface ResolvedDashboardOptions {
  /** The path without leading or trailing slashes, e.g. `'tasks'` or `'admin/tasks'`. */
  path: string;
  readOnly: boolean;
  guards: DashboardGuard[];
  /** Whether `guards` was given at all: `guards: []` says the dashboard is meant to be open. */
  guardsGiven: boolean;
  imports: NonNullable<ModuleMetadata['imports']>;
  /** Lower case; null: any host. */
  allowedHosts: string[] | null;
}

const KEYS = { path: true, readOnly: true, guards: true, imports: true, allowedHosts: true } as const satisfies OptionKeys<TaskDashboardOptions>;
/** A host name or IPv4 address (a leading '.' for its subdomains too), or an IPv6 address in brackets, as a Host header names it. */
const HOST_NAME = /^(\.?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])$/;
const PATH = /^[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*$/;

/** Checks forRoot's options: an unknown key or a wrong value is refused, naming it. */
export function resolveDashboardOptions(options: TaskDashboardOptions): ResolvedDashboardOptions {
  const where = 'TaskDashboardModule.forRoot';
  if (!isOptionsObject(options)) throw new InvalidTaskOptionsError(`${where}: options must be an object { path, readOnly?, guards?, imports?, allowedHosts? }, got ${describeValue(options)}`);
  checkKnownKeys(options, KEYS, where, '');
  // One leading and one trailing slash are the usual spellings; more, or a '.' or '..' segment, name a path
  // that browsers and routers rewrite, so the page would not be served where the option says.
  const path = typeof options.path === 'string' ? options.path.replace(/^\/|\/$/g, '') : '';
  const allowedHosts = options.allowedHosts === undefined ? null : checkAllowedHosts(options.allowedHosts, where);
  if (!PATH.test(path) || path.split('/').some((segment) => segment === '.' || segment === '..')) {
    throw new InvalidTaskOptionsError(`${where}: path must be a URL path such as '/tasks' (letters, digits, '.', '_', '~', '-' and single '/' between segments, none of them '.' or '..'), got ${JSON.stringify(options.path)}`);
  }
  if (options.readOnly !== undefined && typeof options.readOnly !== 'boolean') {
    throw new InvalidTaskOptionsError(`${where}: readOnly must be true or false, got ${JSON.stringify(options.readOnly)}`);
  }
  const guards = options.guards ?? [];
  if (!Array.isArray(guards) || guards.some((g) => typeof g !== 'function' && (g === null || typeof g !== 'object' || typeof g.canActivate !== 'function'))) {
    throw new InvalidTaskOptionsError(`${where}: guards must be an array of guard classes or objects with canActivate()`);
  }
  const imports = options.imports ?? [];
  // A module class, a dynamic module ({ module }), a promise of one, or a forwardRef: anything else is a mistake Nest would report later and less clearly.
  if (!Array.isArray(imports) || imports.some((m) => typeof m !== 'function' && (m === null || typeof m !== 'object'))) {
    throw new InvalidTaskOptionsError(`${where}: imports must be an array of modules (classes, dynamic modules or forwardRef()), as in @Module({ imports })`);
  }
  return { path, readOnly: options.readOnly ?? false, guards: [...guards], guardsGiven: options.guards !== undefined, imports: [...imports], allowedHosts };
}

function checkAllowedHosts(value: unknown, where: string): string[] {
  const hosts = Array.isArray(value) ? value.map((host: unknown) => (typeof host === 'string' ? host.toLowerCase() : host)) : null;
  const bad = hosts?.find((host) => typeof host !== 'string' || !HOST_NAME.test(host));
  if (hosts === null || hosts.length === 0 || bad !== undefined) {
    throw new InvalidTaskOptionsError(
      `${where}: allowedHosts must be a non-empty array of host names without port or scheme, such as ['tasks.internal', 'localhost', '.example.com'], ` +
        `got ${hosts === null || hosts.length === 0 ? describeValue(value) : JSON.stringify(bad)}`,
    );
  }
  return hosts as string[];
}
