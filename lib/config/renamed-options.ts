/**
 * Option names that users of BullMQ (the queue most of them come from) bring
 * along, with where this library keeps that setting: an unknown-option error
 * names it. Keyed by the option's path as written (`defaults.removeOnComplete`),
 * then by its last name alone.
 */
const RENAMED: Readonly<Record<string, string>> = {
  jobId: "the task id is 'id'",
  removeOnFail: "a failed task is dead here: 'removeOnDead'",
  parent: "a task waits for others with 'dependsOn', given when the waiting task is enqueued",
  repeat: 'a recurring task is a schedule: TaskQueue.schedule(...) or @TaskHandler(name, { schedule })',
  limiter: 'a rate limit is per queue: queues: { <queue>: { rateLimit: { max, perMs } } }',
  duration: "a rate limit's window is 'perMs'",
  lockDuration: "a running task's lease is worker.leaseMs",
  pattern: "a cron expression is 'cron'",
  defaultJobOptions: "the module's task policy is 'defaults', its retention 'retention'",
  'defaults.removeOnComplete': "the module keeps completed tasks by 'retention: { completed: { count, age } }'",
  'defaults.removeOnDead': "the module keeps dead tasks by 'retention: { dead: { count, age } }'",
};

/** What an unknown option at `path` is called here, as words for its error; '' when it is not a known rename. */
export function renamedOptionHint(path: string): string {
  const hint = RENAMED[path] ?? RENAMED[path.slice(path.lastIndexOf('.') + 1)];
  return hint === undefined ? '' : `; ${hint}`;
}
