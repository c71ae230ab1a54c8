import type { FireRequest, FireResult, ScheduleDefinition, ScheduleEngine, StoredSchedule } from '../engine/schedule-engine.js';
import { sameDefinition, sameTiming, storedSchedule } from './memory-schedules.js';
import type { MemoryStore } from './memory-store.js';
import { addTask } from './memory-task-adder.js';

/**
 * The in-memory adapter of the ScheduleEngine port. Firing is the same
 * compare-and-set on (due time, revision) as lib/redis/lua/fire-schedule.lua:
 * of several firers that read the same occurrence, one adds it.
 */
export class MemoryScheduleEngine implements ScheduleEngine {
  constructor(private readonly store: MemoryStore) {}

  async ready(): Promise<void> {}

  async now(): Promise<number> {
    return this.store.now();
  }

  /** The store never loses what it holds while the app runs. */
  async generation(): Promise<string> {
    return 'memory';
  }

  async save(definition: ScheduleDefinition, firstDue: number): Promise<{ next: number; status: 'unchanged' | 'created' | 'updated' }> {
    const copy: ScheduleDefinition = { ...definition, spec: { ...definition.spec } };
    this.store.registered.add(definition.queue);
    const stored = this.store.schedules.get(definition.id);
    if (!stored) {
      this.store.schedules.set(definition.id, { definition: copy, next: firstDue, revision: 1 });
      return { next: firstDue, status: 'created' };
    }
    if (sameDefinition(stored.definition, copy)) return { next: stored.next, status: 'unchanged' };
    if (stored.definition.queue !== copy.queue) {
      // Moved to another queue: as on Redis, it starts there afresh.
      this.store.schedules.set(definition.id, { definition: copy, next: firstDue, revision: stored.revision + 1 });
      return { next: firstDue, status: 'created' };
    }
    const next = sameTiming(stored.definition, copy) ? stored.next : firstDue;
    this.store.schedules.set(definition.id, { definition: copy, next, revision: stored.revision + 1 });
    return { next, status: 'updated' };
  }

  async remove(id: string): Promise<boolean> {
    return this.store.schedules.delete(id);
  }

  async list(): Promise<StoredSchedule[]> {
    return [...this.store.schedules.values()].map(storedSchedule);
  }

  async due(now: number, limit: number): Promise<{ due: StoredSchedule[]; upcoming: number | null; more: boolean }> {
    const byQueue = new Map<string, StoredSchedule[]>();
    let upcoming: number | null = null;
    for (const schedule of this.store.schedules.values()) {
      if (schedule.next > now) {
        upcoming = upcoming === null ? schedule.next : Math.min(upcoming, schedule.next);
        continue;
      }
      const queue = schedule.definition.queue;
      byQueue.set(queue, [...(byQueue.get(queue) ?? []), storedSchedule(schedule)]);
    }
    let more = false;
    const due: StoredSchedule[] = [];
    for (const list of byQueue.values()) {
      list.sort((a, b) => a.next - b.next || (a.id < b.id ? -1 : 1));
      if (list.length >= limit) more = true;
      due.push(...list.slice(0, limit));
    }
    return { due, upcoming, more };
  }

  async fire(requests: readonly FireRequest[]): Promise<FireResult[]> {
    const now = this.store.now();
    return requests.map((r): FireResult => {
      const schedule = this.store.schedules.get(r.id);
      if (!schedule || schedule.definition.queue !== r.queue || schedule.next !== r.due || String(schedule.revision) !== r.revision || r.due > now) return null;
      const added = this.addOccurrence(schedule.definition, r.due, now);
      if (r.nextDue === null) this.store.schedules.delete(r.id);
      else schedule.next = r.nextDue;
      return added ? 'added' : 'existed';
    });
  }

  /**
   * Fires schedule `id`'s next occurrence now, whatever the clock says (the
   * test mode's `fireSchedule`): its task is added as a due firing would add
   * it, and the schedule moves to `nextDue` (null: it ends). Null when there
   * is no such schedule.
   */
  fireEarly(id: string, nextDue: (stored: StoredSchedule) => number | null): { id: string; queue: string } | null {
    const schedule = this.store.schedules.get(id);
    if (!schedule) return null;
    const due = schedule.next;
    const following = nextDue(storedSchedule(schedule));
    this.addOccurrence(schedule.definition, due, this.store.now());
    if (following === null) this.store.schedules.delete(id);
    else Object.assign(schedule, { next: following, revision: schedule.revision + 1 });
    return { id: `${id}@${due}`, queue: schedule.definition.queue };
  }

  /**
   * Adds the occurrence of `definition` due at `due`: task id `<schedule id>@<due>`, the policy fixed when the
   * schedule was saved. False when a task of that id already exists.
   */
  private addOccurrence(d: ScheduleDefinition, due: number, now: number): boolean {
    const task = {
      id: `${d.id}@${due}`, name: d.name, payloadJson: d.payloadJson, priority: d.priority, delayMs: 0, runAt: null, maxAttempts: d.maxAttempts,
      backoff: d.backoff, timeoutMs: d.timeoutMs, dependsOn: [], dependencyFailure: 'dead' as const,
      removeOnComplete: d.removeOnComplete, removeOnDead: d.removeOnDead,
    };
    const q = this.store.queue(d.queue);
    if (!addTask(q, task, now)) return false;
    // An occurrence starts a trace of its own, linked to the schedule() call that made it (see docs/observability.md).
    if (d.traceContext !== undefined) q.tasks.get(task.id)!.traceLink = d.traceContext;
    this.store.added.push({ queue: d.queue, task });
    return true;
  }
}
