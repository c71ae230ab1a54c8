import type * as OtelApi from '@opentelemetry/api';

/** The `@opentelemetry/api` module, as this library uses it. */
export type OtelApiModule = typeof OtelApi;

/**
 * Loads `@opentelemetry/api`, an optional peer dependency: null when the app
 * does not have it installed, and then tracing and metrics stay off. Loaded
 * once, at module init, by a dynamic import, so an app without it never
 * fails to start and the main entry imports nothing of it.
 */
export async function loadOtelApi(): Promise<OtelApiModule | null> {
  try {
    const loaded = (await import('@opentelemetry/api')) as OtelApiModule & { default?: OtelApiModule };
    // Node exposes a CommonJS build's exports as named exports and as `default`.
    return typeof loaded.trace === 'object' ? loaded : (loaded.default ?? null);
  } catch {
    return null;
  }
}
