import type { WorkerInfo } from '../interfaces/worker-info.interface.js';

/** Slack for a beat's own round trip and the timer's drift. */
const SLACK_MS = 500;

/**
 * Whether a listed worker's heartbeat is overdue: two beats missed. It is
 * still listed until its record expires (a lease after its last beat), so
 * the CLI's `workers` and the dashboard say so meanwhile: a worker killed a
 * moment ago otherwise reads as a live one. Never for a heartbeat that does
 * not say how often it beats (a version before 0.2).
 */
export function heartbeatLate(worker: Pick<WorkerInfo, 'lastSeenAt' | 'heartbeatEveryMs'>, now: number): boolean {
  return worker.heartbeatEveryMs !== undefined && now - worker.lastSeenAt > 2 * worker.heartbeatEveryMs + SLACK_MS;
}
