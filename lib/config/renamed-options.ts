// Option names that users of BullMQ (the queue most of them come from) bring
// along, with where this library keeps that setting: an unknown-option error
// names it. Each kind of options has its own table, since one BullMQ name can
// belong in different places here (removeOnFail of a task is removeOnDead; of
// the module, its dead-task retention).

/** The setting's place here, as words for an error; '' when there is none to give. */
type Hint = (path: string) => string;

const TASK_RENAMED: Readonly<Record<string, string>> = {
  jobId: "the task id is 'id'",
  removeOnFail: "a failed task is dead here: 'removeOnDead'",
  parent: "a task waits for others with 'dependsOn', given when the waiting task is enqueued",
  repeat: 'a recurring task is a schedule: TaskQueue.schedule(...) or @TaskHandler(name, { schedule })',
  pattern: "a recurring task is a schedule: TaskQueue.schedule(id, name, payload, { cron }) or @TaskHandler(name, { schedule: { cron } })",
  limiter: 'a rate limit is per queue, in the module options: queues: { <queue>: { rateLimit: { max, perMs } } }',
  duration: 'a rate limit is per queue, in the module options: queues: { <queue>: { rateLimit: { max, perMs } } }',
  lockDuration: "a running task's lease is worker.leaseMs, in the module options",
  deduplication: "a task is added once per 'id': an enqueue with the id of a stored task returns that task",
  failParentOnFailure: "what a task does when a task it depends on ends dead is its own 'dependencyFailure' ('dead' or 'run'), given when it is enqueued",
  ignoreDependencyOnFailure: "what a task does when a task it depends on ends dead is its own 'dependencyFailure' ('dead' or 'run'), given when it is enqueued",
  keepLogs: "a task's log keeps the module's 'taskLogs: { maxLines }' lines",
  lifo: "tasks run in priority order, then oldest first: give the task to run first a higher 'priority'",
};

const RETENTION = (state: 'completed' | 'dead') => `the module keeps ${state} tasks by 'retention: { ${state}: { count, age } }'`;

const MODULE_RENAMED: Readonly<Record<string, string>> = {
  defaultJobOptions: "the module's task policy is 'defaults', its retention 'retention'",
  limiter: 'a rate limit is per queue: queues: { <queue>: { rateLimit: { max, perMs } } }',
  removeOnComplete: RETENTION('completed'),
  removeOnFail: RETENTION('dead'),
  removeOnDead: RETENTION('dead'),
  'defaults.removeOnComplete': RETENTION('completed'),
  'defaults.removeOnFail': RETENTION('dead'),
  'defaults.removeOnDead': RETENTION('dead'),
  'worker.lockDuration': "a running task's lease is worker.leaseMs",
  'worker.limiter': 'a rate limit is per queue: queues: { <queue>: { rateLimit: { max, perMs } } }',
  'queues.*.limiter': "a queue's rate limit is its rateLimit: { max, perMs }",
  'queues.*.rateLimit.duration': "a rate limit's window is 'perMs'",
  'queues.*.defaults.removeOnFail': "a failed task is dead here: 'removeOnDead'",
  'queues.*.defaults.jobId': 'a task id is given per task, when it is enqueued',
  'queues.*.defaultJobOptions': "a queue's task policy and retention are its 'defaults'",
};

const SCHEDULE_RENAMED: Readonly<Record<string, string>> = {
  pattern: "a cron expression is 'cron'",
  tz: "a cron schedule's timezone is 'timezone'",
};

const BULK_ITEM_RENAMED: Readonly<Record<string, string>> = {
  data: "an item's payload is 'payload'",
  opts: "an item's options are 'options'",
};

/** BullMQ's job states, by the state here that holds such tasks. */
const STATE_RENAMED: Readonly<Record<string, string>> = {
  failed: "a task whose attempts failed for good is 'dead' here (one that runs again is 'delayed' or 'waiting')",
  prioritized: "tasks waiting to run, with a priority or not, are 'waiting' here",
  'waiting-children': "a task waiting for the tasks it depends on is 'blocked' here",
  paused: "a paused queue's tasks are 'waiting' (counts() says whether the queue is paused)",
};

/** BullMQ's QueueEvents names, by the task event here. */
const TASK_EVENT_RENAMED: Readonly<Record<string, string>> = {
  failed: "a failed attempt is 'retrying' when its task runs again and 'dead' when it does not (@OnWorkerEvent('failed') hears every failed attempt of this app's worker)",
  active: "a task's start is 'started'",
  added: "a task's arrival is 'enqueued'",
  waiting: "a task's arrival is 'enqueued'",
};

const words = (hint: string | undefined) => (hint === undefined ? '' : `; ${hint}`);
/** The hint for `key`, by own keys only: a key such as 'constructor' would read what every object inherits. */
const own = (table: Readonly<Record<string, string>>, key: string) => (Object.hasOwn(table, key) ? table[key] : undefined);
/** The path with the queue name after `queues.` generalised: the tables name any queue `*`. */
const anyQueue = (path: string) => path.replace(/^queues\.[^.]+/, 'queues.*');

/** Of enqueue, handler and definition options (top-level keys only: nested objects have no BullMQ twin). */
export const taskOptionHint: Hint = (path) => words(path.includes('.') ? undefined : own(TASK_RENAMED, path));

/** Of an enqueueMany item (BullMQ's addBulk takes { name, data, opts }). */
export const bulkItemOptionHint: Hint = (path) => words(own(BULK_ITEM_RENAMED, path));

/** Of the module's options, by their full path (`worker.lockDuration`, `queues.emails.rateLimit.duration`). */
export const moduleOptionHint: Hint = (path) => words(own(MODULE_RENAMED, anyQueue(path)));

/** Of a task state given to list() or clean(). */
export const stateHint = (state: unknown): string => (typeof state === 'string' ? words(own(STATE_RENAMED, state)) : '');

/** Of an event type given to @OnTaskEvent. */
export const taskEventHint = (type: unknown): string => (typeof type === 'string' ? words(own(TASK_EVENT_RENAMED, type)) : '');

/** Of a schedule's timing (`options.pattern` of schedule(), `schedule.pattern` of a handler). */
export const scheduleOptionHint: Hint = (path) => words(own(SCHEDULE_RENAMED, path.slice(path.lastIndexOf('.') + 1)));
