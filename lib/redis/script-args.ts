import { encodeBackoff } from '../policies/backoff.js';
import type { ResolvedQueueSettings, ResolvedRetention } from '../config/resolved-options.js';
import type { ScriptArg } from './script-registry.js';
import type { AttemptOutcome, FetchRequest, NewTask } from '../engine/task-engine.js';

// ARGV builders for the scripts whose argument lists are long; each mirrors
// the ARGV section of its script's header. Pure, so unit tests can pin them.

/** enqueue.lua: 13 fields per task. */
export function enqueueTaskArgs(t: NewTask): ScriptArg[] {
  if (t.id === undefined) throw new Error('a task reached the store without an id');
  return [
    t.id, t.name, t.payloadJson, t.priority, t.delayMs, t.runAt ?? '', t.maxAttempts, encodeBackoff(t.backoff), t.timeoutMs,
    t.dependsOn.join('\n'), t.dependencyFailure === 'run' ? 'run' : '', t.removeOnComplete, t.removeOnDead,
  ];
}

/** The six fetch arguments of fetch.lua and settle.lua. */
export function fetchArgs(request: FetchRequest, settings: ResolvedQueueSettings): ScriptArg[] {
  return [
    request.count, request.workerToken, request.leaseMs,
    settings.rateLimit?.max ?? 0, settings.rateLimit?.perMs ?? 0, request.handlerLimits,
  ];
}

/** settle.lua: retention, fetch arguments, then 5 fields per outcome. */
export function settleArgs(
  outcomes: readonly AttemptOutcome[],
  retention: { completed: ResolvedRetention; dead: ResolvedRetention },
  fetch: ScriptArg[],
): ScriptArg[] {
  const args: ScriptArg[] = [retention.completed.age, retention.completed.count, retention.dead.age, retention.dead.count, ...fetch];
  for (const o of outcomes) {
    if (o.kind === 'completed') args.push(o.lease.id, o.lease.token, 'c', o.resultJson, 0);
    else if (o.kind === 'limited') args.push(o.lease.id, o.lease.token, 'l', o.errorJson, o.delayMs);
    else if (o.then.action === 'retry') args.push(o.lease.id, o.lease.token, 'r', o.errorJson, o.then.delayMs);
    else args.push(o.lease.id, o.lease.token, 'x', o.errorJson, 0);
  }
  return args;
}
