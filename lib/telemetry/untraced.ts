import type { OtelApiModule } from './otel-api.js';

// The library's own background Redis commands (fetches, lease renewals,
// heartbeats, schedule passes, event reads, gauge reads) run with tracing
// suppressed: under an ioredis or redis auto-instrumentation each would
// otherwise be a root span, hundreds a minute, burying the traces of the
// app's own work. Handlers run outside this (in their attempt's span, or the
// root context), so the commands they send are traced as before.

// The context key OpenTelemetry SDKs read to suppress tracing: the one
// @opentelemetry/core's suppressTracing sets. The API makes context keys as
// Symbol.for(name), so this is the same key without depending on the core package.
const SUPPRESS_TRACING = 'OpenTelemetry SDK Context Key SUPPRESS_TRACING';

let api: OtelApiModule | null = null;

/** Called once `@opentelemetry/api` is loaded; until then (and without it) `untraced` just runs its function. */
export function enableUntraced(loaded: OtelApiModule): void {
  api = loaded;
}

/** Runs `fn`, and whatever it starts, with tracing suppressed. */
export function untraced<T>(fn: () => T): T {
  if (api === null) return fn();
  return api.context.with(api.context.active().setValue(api.createContextKey(SUPPRESS_TRACING), true), fn);
}

/** Runs `fn` in the root context: out of a suppressed background loop, for work that is the app's own. */
export function traced<T>(fn: () => T): T {
  if (api === null) return fn();
  return api.context.with(api.ROOT_CONTEXT, fn);
}
