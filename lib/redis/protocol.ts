import type { TaskEventType } from '../interfaces/task-event.interface.js';
import type { TaskState } from '../interfaces/task-state.js';

// The protocol between this adapter and its Lua scripts, written once. The
// TypeScript argument builders and reply decoders read these lists, and
// scripts/embed-lua.mjs turns them into Lua constants at the top of each
// script (ARG_*, ROW_*, KEY_*, R_*, S_*, ...), so a field order or a field
// name is never written by hand in two languages. This file holds data only
// (and two small format helpers): the generator evaluates it at build time.

/** The keys of one queue, after its base `{prefix:queue}:` (one hash tag: one Redis Cluster slot). */
export const QUEUE_KEY_SUFFIXES = {
  /**
   * Sorted set: waiting task ids by wait score (priority, then enqueue order): those enqueued with a
   * priority other than 0, and every task that comes back to waiting (released, recovered, retried,
   * promoted from delayed, unblocked or unparked), in its old place.
   */
  wait: 'wait',
  /**
   * List: ids of tasks enqueued with priority 0 straight to waiting, in enqueue order. A list entry costs
   * Redis about 18 bytes, a sorted-set member about 120; fetch merges the two by wait score. Most of its
   * tasks have a compact record (compactRecords) and no record key yet; the others have a record key.
   */
  waitList: 'wl',
  /**
   * Hash: task id -> compact record (COMPACT_RECORD) of a plain task enqueued with priority 0 straight to
   * waiting, until it first leaves the wait list's plain waiting: the fetch that starts it, parks it or hands
   * it over, a dependent or a waitFor turns it into a record key (with its place in the wait list kept). One
   * field of a shared hash costs Redis about 60 bytes less than a key of its own (271 against 335 bytes per
   * waiting task in the benchmark), and an enqueue writes one field instead of nine.
   */
  compactRecords: 'cr',
  /** Sorted set: delayed task ids by due time. */
  delayed: 'delayed',
  /** Sorted set: running task ids by lease expiry. */
  active: 'active',
  /** Sorted set of one member: the wake-up marker idle workers block on. */
  mark: 'mark',
  /** Sorted set: dead task ids by finish time. */
  dead: 'dead',
  /** Sorted set: completed task ids by finish time. */
  completed: 'completed',
  /** Counter: the enqueue sequence, FIFO order among equal priority. */
  seq: 'seq',
  /** Sorted set: task ids waiting for dependencies, by enqueue time. */
  blocked: 'blocked',
  /** String, present while the queue is paused. */
  paused: 'paused',
  /** Counter that expires with the rate-limit window: starts in the current window. */
  rate: 'rate',
  /** Stream: the queue's events (EVENT fields). */
  events: 'events',
  /** Set: names of handlers with tasks parked at their fleet-wide limit. */
  parkedNames: 'gpn',
  /** Sorted set: ids of the queue's schedules by next due time. */
  schedules: 'schedules',
  /** String that expires: the latest state counts for the metrics gauges, shared by the fleet (GAUGE_FIELDS, JSON). */
  gauges: 'gauges',
  /** Sorted set: handler names the queue's live workers carry, by the latest expiry of a worker that carries each. */
  handlerNames: 'hn',
} as const;

/** Keys of one task, handler or schedule: the suffix is followed by its id or name. */
export const ITEM_KEY_SUFFIXES = {
  /** Hash: a task's record (RECORD fields). */
  task: 't:',
  /**
   * String: a task's payload JSON when it does not fit in its record (see
   * PAYLOAD_INLINE_PARTS), and every payload written by 0.1.0.
   */
  payload: 'd:',
  /** Set: ids of the dependencies a blocked task still waits for. */
  pendingDependencies: 'dp:',
  /** Hash: dependency id -> result JSON, copied as each dependency completes. */
  dependencyResults: 'dr:',
  /** Set: ids of the tasks that wait for this one. */
  dependents: 'dn:',
  /** Counter: runs of a handler with a fleet-wide limit in progress. */
  handlerRunning: 'gc:',
  /** Sorted set: tasks of a handler parked at its fleet-wide limit, by wait score. */
  handlerParked: 'gp:',
  /** Hash: a schedule's definition (SCHEDULE fields). */
  schedule: 's:',
  /** List: a task's log lines, '<epoch ms> <message>', the newest last, bounded in length. */
  logs: 'l:',
  /** Sorted set of one member: the wake-up marker of the workers that carry a handler (tasks were parked for them). */
  handlerMark: 'mk:',
  /** Sorted set of one member that expires: the wake-up marker of one waiting worker (a poke ends its wait early). */
  waiterMark: 'wm:',
  /** List: a task's failed attempts (HISTORY_ENTRY), oldest first, bounded by HISTORY_RUNS_KEPT times its attempts allowed. */
  history: 'h:',
  /** List: the ids a task depends on, as enqueued (only tasks with dependencies have one). */
  dependencies: 'da:',
  /** Hash (THROUGHPUT fields) that expires: attempts that ended in one minute, followed by the minute's start in epoch ms. */
  throughput: 'tp:',
} as const;

/** The prefix-wide directory of schedules (id -> queue), in a slot of its own: `{prefix:}:schedules`. */
export const SCHEDULE_DIRECTORY_SUFFIX = 'schedules';
/** A token set anew after every change of that directory, in the same slot: `{prefix:}:schedules-rev`. */
export const SCHEDULE_REVISION_SUFFIX = 'schedules-rev';
/** A random mark of what the prefix holds, made when first read, in the same slot: `{prefix:}:generation`; gone once Redis lost its data. */
export const GENERATION_SUFFIX = 'generation';
/** The prefix-wide directory of live workers (instance id -> expiry), in the same slot: `{prefix:}:workers`. */
export const WORKER_DIRECTORY_SUFFIX = 'workers';
/** The prefix-wide registry of queue names (a set), in the same slot: `{prefix:}:queues`. */
export const QUEUE_DIRECTORY_SUFFIX = 'queues';
/** A worker's heartbeat record (its WorkerInfo JSON, expiring), after `{prefix:}:`, followed by its instance id. */
export const WORKER_RECORD_SUFFIX = 'w:';

/** Fields of a task's record hash. Fields equal to their default are not written, to keep the hash small. */
export const RECORD_FIELDS = {
  name: { field: 'n', meaning: 'task name' },
  state: { field: 's', meaning: 'state letter (STATE)' },
  waitScore: { field: 'ws', meaning: 'wait score: (1,000,000 - priority) * 2^32 + enqueue sequence' },
  maxAttempts: { field: 'm', meaning: 'attempts allowed in all' },
  enqueuedAt: { field: 'e', meaning: 'enqueue time, epoch ms (Redis time)' },
  backoff: { field: 'b', meaning: "backoff ('f,<delay>' or 'e,<delay>[,<max>]'); absent: none" },
  timeout: { field: 'to', meaning: 'time limit per attempt in ms; absent: none' },
  runAt: { field: 'r', meaning: 'due time, epoch ms; absent: the enqueue time' },
  removeOnComplete: { field: 'rc', meaning: "own retention once completed ('1' or '<age>,<count>', -1 unset)" },
  removeOnDead: { field: 'rd', meaning: 'own retention once dead (same form)' },
  dependencyFailure: { field: 'df', meaning: "'run' when it runs even if a dependency ends dead" },
  dependencyDelay: { field: 'dl', meaning: 'delay in ms counted from the moment its dependencies complete' },
  hasDependents: { field: 'hd', meaning: "'1' when other tasks depend on it" },
  plain: {
    field: 'p',
    meaning:
      "'1' while its only keys are the record, the payload key (when payloadPart1 is absent) and (with hasDependents) its dependents: no dependencies, logs or history",
  },
  attempts: { field: 'a', meaning: 'attempts made so far' },
  startedAt: { field: 'st', meaning: 'start of the latest attempt, epoch ms' },
  leaseToken: { field: 'lk', meaning: 'lease token of the running attempt (LEASE_TOKEN_SEPARATOR)' },
  countedInLimit: { field: 'gc', meaning: "'1' while it counts against its handler's fleet-wide limit" },
  leasedAhead: {
    field: 'la',
    meaning: "the lease's startedAt when the fetch leased it ahead of a free slot (into the worker's buffer): while it equals startedAt, the attempt may not have begun",
  },
  aheadForgiven: { field: 'lf', meaning: "'1' once recovery took back a lease leased ahead without counting its attempt (once per task)" },
  retries: { field: 'rr', meaning: 'times it was retried from dead (retry, retryAll): its history numbers its runs by it; absent: never' },
  result: { field: 'res', meaning: 'result JSON once completed' },
  error: { field: 'err', meaning: 'error JSON of the last failure' },
  progress: { field: 'pg', meaning: 'progress JSON' },
  finishedAt: { field: 'f', meaning: 'finish time, epoch ms' },
  awaited: { field: 'wt', meaning: "'1' once a waitFor watches it: its final event is written even with events off" },
  traceContext: { field: 'tc', meaning: 'trace context of the enqueue span (a lone traceparent bare, a larger carrier as JSON); absent without a tracing SDK' },
  traceLink: { field: 'tl', meaning: "trace context a schedule occurrence links to: the schedule's (same form)" },
  payloadPart1: { field: 'd1', meaning: 'the payload JSON, first part (PAYLOAD_PART_BYTES at most); absent: the payload is in its own key' },
  payloadPart2: { field: 'd2', meaning: 'the payload JSON, second part, when it has one' },
  payloadPart3: { field: 'd3', meaning: 'the payload JSON, third part, when it has one' },
  payloadPart4: { field: 'd4', meaning: 'the payload JSON, fourth part, when it has one' },
} as const;

/**
 * Longest part of a payload kept in its record. Redis keeps a hash in the
 * compact listpack encoding only while every value is at most
 * hash-max-listpack-value bytes (64 by default); one longer value turns the
 * whole record into a hash table, several times its size. So a payload lives
 * in its record as parts of at most this many bytes (never cut inside a UTF-8
 * sequence, so each part is text on its own).
 */
export const PAYLOAD_PART_BYTES = 64;
/**
 * The level (wait score / 2^32) of priority 0: a wait score is (PRIORITY_ZERO_LEVEL - priority) * 2^32 plus
 * the enqueue sequence. The wait list's tasks are all of this level.
 */
export const PRIORITY_ZERO_LEVEL = 1_000_000;
/**
 * Most parts of a payload kept in its record (payloadPart1..4): up to about
 * 256 bytes a payload saves its own key, which costs more than the payload's
 * bytes at these sizes. A longer one goes to the payload key.
 */
export const PAYLOAD_INLINE_PARTS = 4;
/**
 * Longest payload (bytes of JSON) a compact record holds. Every read of a waiting task's compact record
 * takes all of it into Lua: a name filter over 1,000 waiting tasks of 1 MB held Redis for 8-11 s. A
 * longer payload waits in a record key with a payload key of its own, as tasks did before compact
 * records, whose name is read without it; the 60 bytes a compact record saves are nothing beside it.
 */
export const COMPACT_PAYLOAD_MAX = 4_096;
/** engine/new-task.ts's ENDED_DEPENDENTS_MAX, for the scripts (this file is read alone when they are built). */
export const ENDED_DEPENDENTS_MAX = 10_000;

/** Field names of the record hash, by meaning. */
export const RECORD = fieldsOf(RECORD_FIELDS);

/** The record fields that hold a payload's parts, in order (PAYLOAD_INLINE_PARTS of them). */
export const PAYLOAD_PART_FIELDS = [RECORD.payloadPart1, RECORD.payloadPart2, RECORD.payloadPart3, RECORD.payloadPart4] as const;

/** A task's state as its record stores it. */
export const STATE = {
  blocked: 'b',
  waiting: 'w',
  delayed: 'd',
  active: 'a',
  completed: 'c',
  dead: 'x',
} as const satisfies Record<TaskState, string>;

/** Fields of a schedule's definition hash. */
export const SCHEDULE_FIELDS = {
  next: { field: 'nx', meaning: 'next due time, epoch ms (Redis time)' },
  revision: { field: 'v', meaning: 'revision, bumped by every change; firing compares it' },
  name: { field: 'n', meaning: 'task name of each occurrence' },
  payload: { field: 'd', meaning: 'payload JSON of each occurrence' },
  cron: { field: 'cr', meaning: "cron expression ('' when every is set)" },
  every: { field: 'ev', meaning: "interval in ms ('' when cron is set)" },
  timezone: { field: 'tz', meaning: "IANA timezone of the cron expression ('' = UTC)" },
  maxAttempts: { field: 'm', meaning: 'attempts allowed per occurrence' },
  backoff: { field: 'b', meaning: 'backoff of occurrences (record form)' },
  timeout: { field: 'to', meaning: 'time limit per attempt in ms (0 = none)' },
  removeOnComplete: { field: 'rc', meaning: 'own retention of occurrences once completed (record form)' },
  removeOnDead: { field: 'rd', meaning: 'own retention of occurrences once dead (record form)' },
  priority: { field: 'p', meaning: "priority of each occurrence ('' or absent: 0; absent in schedules saved by 0.1.0)" },
  traceContext: { field: 'tc', meaning: 'trace context of the latest schedule() call (same form as a record trace context); occurrences link to it' },
} as const;

/** Field names of the schedule definition hash, by meaning. */
export const SCHEDULE = fieldsOf(SCHEDULE_FIELDS);

/** Fields of a per-minute throughput hash: attempts that completed and that failed (retried or dead) in that minute. */
export const THROUGHPUT = { completed: 'c', failed: 'f' } as const;
/** How long a per-minute throughput hash lives, in ms: two hours, so the last 120 minutes can be read. */
export const THROUGHPUT_TTL_MS = 7_200_000;
/** Most minutes of throughput one read returns (the counters live THROUGHPUT_TTL_MS). */
export const THROUGHPUT_MAX_MINUTES = 120;

/**
 * A failed attempt in a task's history list: these fields in this order,
 * HISTORY_FIELD_SEPARATOR-joined, then LIST_SEPARATOR and the error JSON.
 * retryAt is '' when the attempt ended the task dead. run: which run of the
 * task it belongs to, 1 and then one more per retry from dead (RECORD
 * retries + 1); entries written before there were runs have no run field and
 * belong to run 1.
 */
export const HISTORY_ENTRY = ['attempt', 'startedAt', 'endedAt', 'retryAt', 'outcome', 'run'] as const;
/** engine/history-runs.ts's HISTORY_RUNS_KEPT, for the scripts (this file is read alone when they are built). */
export const HISTORY_RUNS_KEPT = 3;
/** Separates the fields of a history entry. */
export const HISTORY_FIELD_SEPARATOR = ',';
/** How a failed attempt ended, in a history entry. */
export const HISTORY_OUTCOME = { failed: 'f', dead: 'x' } as const;

/** Fields of an event stream entry. */
export const EVENT = {
  type: 't',
  id: 'i',
  name: 'n',
  attempt: 'a',
  /** JSON: the result (completed), the error (retrying, dead) or the progress. */
  value: 'v',
  /** A grouped entry (one call's enqueued or started events): the task ids, LIST_SEPARATOR-joined, in place of `id`. */
  ids: 'is',
  /** A grouped entry whose tasks have different names: the names, LIST_SEPARATOR-joined (one name for all: `name`). */
  names: 'ns',
  /** A grouped entry of started events: the attempts, LIST_SEPARATOR-joined. */
  attempts: 'as',
} as const;

/** Event types as the stream stores them: the public names. */
export const EVENT_TYPE = {
  enqueued: 'enqueued',
  started: 'started',
  progress: 'progress',
  completed: 'completed',
  retrying: 'retrying',
  dead: 'dead',
} as const satisfies Record<TaskEventType, TaskEventType>;

/** How an attempt ended, in a settle row. */
export const OUTCOME = {
  completed: 'c',
  /** Failed; runs again after the row's delay. */
  retry: 'r',
  dead: 'x',
  /** Rate limited by its handler: back after the row's delay, the attempt not counted. */
  limited: 'l',
} as const;

/** Separates the items of a list sent in one argument or reply field (names and ids hold no control characters). */
export const LIST_SEPARATOR = '\n';
/**
 * A lease token is `<worker token><LEASE_TOKEN_SEPARATOR><attempt><LEASE_TOKEN_SEPARATOR><start in Redis ms>`;
 * a worker finds its orphans by the prefix. The start keeps it unique: a task retried from dead runs attempt 1 again.
 */
export const LEASE_TOKEN_SEPARATOR = ':';
/** A schedule occurrence's task id is `<schedule id><OCCURRENCE_SEPARATOR><due time in epoch ms>`. */
export const OCCURRENCE_SEPARATOR = '@';
/** Retention override in a record: remove the task as soon as it finishes. */
export const REMOVE_AT_ONCE = '1';
/**
 * Most queued entries one fetch moves out of the way without starting them
 * (broken, or parked for a handler): enough to clear a backlog of broken
 * entries in a call or two, few enough that one call never holds Redis for long.
 */
export const FETCH_SKIP_LIMIT = 1000;
/**
 * Most events one grouped stream entry lists. The stream's maxLen counts
 * entries, so this bounds how many more events it can keep than before
 * grouping; 32 already shares nearly all of an XADD's cost.
 */
export const EVENT_GROUP_MAX = 32;
/**
 * Newest stream entries watch looks through for the final event of a task
 * that no longer exists (removed at once as it finished): a rare path, and a
 * bounded one.
 */
export const WATCH_EVENT_SCAN = 500;
/** The dependencyFailure value stored when a task runs even if a dependency ends dead. */
export const DEPENDENCY_FAILURE_RUN = 'run';

/**
 * A compact record (QUEUE_KEY_SUFFIXES.compactRecords): these fields in this
 * order, OPTIONS_SEPARATOR-joined. The task's state is waiting, its priority 0,
 * its attempts 0, its due time its enqueue time, and it is plain (R_PLAIN).
 * Name, max attempts and backoff come 1st, 3rd and 4th, where the fetch's
 * read of a record key puts them, so the fetch treats both alike there.
 * seq is its enqueue sequence number (its wait score is waitScore(0, seq));
 * extras are COMPACT_EXTRAS, '' when all are absent (most tasks); payload and
 * payloadTail as an enqueue row carries them (payloadTail last, so it is the
 * rest of the text: a payload is JSON, which escapes every control character,
 * so it holds no separator). A change to this layout takes a new hash key, so
 * that a record is never read by a version that lays it out otherwise.
 */
export const COMPACT_RECORD = ['name', 'seq', 'maxAttempts', 'backoff', 'enqueuedAt', 'extras', 'payload', 'payloadTail'] as const;
/**
 * The options of a compact record that most tasks leave unset, LIST_SEPARATOR-joined in its extras field,
 * each in its record form ('' when unset: no timeout, the module's retention, no trace context).
 */
export const COMPACT_EXTRAS = ['timeoutMs', 'removeOnComplete', 'removeOnDead', 'traceContext', 'traceLink'] as const;

/**
 * A task's enqueue options as an enqueue row carries them: these fields in this
 * order, OPTIONS_SEPARATOR-joined, in the row's one `options` field. The tasks
 * of a batch mostly share them, so the script parses each distinct string once
 * per call; and three arguments per task instead of fourteen is less for
 * ioredis to write and for Redis to read and hand to Lua.
 */
export const ENQUEUE_OPTIONS = [
  'name', 'priority', 'delayMs', 'runAt', 'maxAttempts', 'backoff', 'timeoutMs',
  'dependsOn', 'dependencyFailure', 'removeOnComplete', 'removeOnDead', 'traceContext',
] as const;
/** Joins packed enqueue options. No option holds a tab: names and ids refuse control characters, JSON escapes them. */
export const OPTIONS_SEPARATOR = '\t';

/** The queue keys every queue script takes, in KEYS order. */
export const QUEUE_SCRIPT_KEYS = ['wait', 'delayed', 'active', 'mark', 'dead', 'completed', 'seq', 'blocked', 'paused', 'rate', 'handlerNames'] as const;
/** The two arguments every queue script starts with: the key base and the events setting (0 = off). */
const HEAD = ['base', 'eventsMaxLen'] as const;
/**
 * The fetch arguments of fetch and settle. Handler limits: name and limit alternating, LIST_SEPARATOR-joined.
 * Handler names: the names the worker carries, LIST_SEPARATOR-joined ('' = it runs every name).
 * startNow: how many of the tasks taken go to a free slot at once; the rest are leased ahead (leasedAhead).
 */
const FETCH_ARGS = ['fetchCount', 'workerToken', 'leaseMs', 'rateMax', 'ratePerMs', 'handlerLimits', 'handlerNames', 'startNow'] as const;
/** A lease as a row: task id and lease token. */
const LEASE_ROW = ['id', 'token'] as const;

/**
 * Every script's KEYS and ARGV, by name. `args` come first in ARGV; then,
 * for scripts with a `row`, any number of rows of that many fields.
 */
export const SCRIPTS = {
  /**
   * A row's payload: the payload JSON, or its first PAYLOAD_PART_BYTES when the
   * producer split it, its rest then in payloadTail ('' when not split; see
   * enqueuePayload in script-args.ts). Its options: the task's ENQUEUE_OPTIONS, packed, or '' when they
   * are those of the row before it (never in the first row), so a batch's shared options cross once.
   */
  enqueue: { keys: QUEUE_SCRIPT_KEYS, args: HEAD, row: ['id', 'payload', 'payloadTail', 'options'] },
  fetch: { keys: QUEUE_SCRIPT_KEYS, args: [...HEAD, ...FETCH_ARGS] },
  settle: {
    keys: QUEUE_SCRIPT_KEYS,
    args: [...HEAD, 'keepCompletedAge', 'keepCompletedCount', 'keepDeadAge', 'keepDeadCount', ...FETCH_ARGS],
    row: ['id', 'token', 'outcome', 'value', 'delayMs'],
  },
  /** `startedAt`: '' for any lease with the token, or the store time the lease must have started at. */
  release: { keys: QUEUE_SCRIPT_KEYS, args: HEAD, row: [...LEASE_ROW, 'startedAt'] },
  /**
   * A row's extend: '1' for a lease to extend; '0' for one whose task ran but whose outcome could not be
   * recorded, which is neither extended nor an orphan (its lease runs out and recovery counts the attempt).
   */
  renew: { keys: QUEUE_SCRIPT_KEYS, args: [...HEAD, 'leaseMs', 'workerToken', 'orphanAgeMs'], row: [...LEASE_ROW, 'extend'] },
  recover: { keys: QUEUE_SCRIPT_KEYS, args: [...HEAD, 'limit', 'keepDeadAge', 'keepDeadCount', 'keepCompletedAge'] },
  progress: { keys: QUEUE_SCRIPT_KEYS, args: [...HEAD, 'id', 'token', 'progress'] },
  /** `removed`: '1' when remove() called it, '' for cancel(): the words a dependent's error gives. */
  cancel: { keys: QUEUE_SCRIPT_KEYS, args: [...HEAD, 'id', 'removed'] },
  removeFinished: { keys: QUEUE_SCRIPT_KEYS, args: [...HEAD, 'id'] },
  retry: { keys: QUEUE_SCRIPT_KEYS, args: [...HEAD, 'id'] },
  promote: { keys: QUEUE_SCRIPT_KEYS, args: [...HEAD, 'id'] },
  watch: { keys: QUEUE_SCRIPT_KEYS, args: [...HEAD, 'id'] },
  pause: { keys: QUEUE_SCRIPT_KEYS, args: HEAD },
  resume: { keys: QUEUE_SCRIPT_KEYS, args: HEAD },
  counts: { keys: QUEUE_SCRIPT_KEYS, args: HEAD },
  upsertSchedule: {
    keys: ['definition', 'dueIndex'],
    args: [
      'id', 'name', 'payload', 'cron', 'every', 'timezone', 'maxAttempts', 'backoff', 'timeoutMs',
      'removeOnComplete', 'removeOnDead', 'priority', 'firstDue', 'traceContext',
    ],
  },
  removeSchedule: { keys: ['definition', 'dueIndex'], args: ['id'] },
  fireSchedule: { keys: [...QUEUE_SCRIPT_KEYS, 'definition', 'dueIndex'], args: [...HEAD, 'id', 'due', 'revision', 'nextDue'] },
  log: { keys: QUEUE_SCRIPT_KEYS, args: [...HEAD, 'id', 'token', 'message', 'maxLines'] },
  gauges: { keys: QUEUE_SCRIPT_KEYS, args: [...HEAD, 'maxAgeMs'] },
  waitingAge: { keys: QUEUE_SCRIPT_KEYS, args: [...HEAD, 'maxLevels'] },
  /** `holdBack`: '1' to leave a task whose dependency this walk will retry (dead, of the name, before the cutoff) for a later walk. */
  retryDead: { keys: QUEUE_SCRIPT_KEYS, args: [...HEAD, 'cursor', 'count', 'name', 'cutoff', 'holdBack'] },
  drain: { keys: QUEUE_SCRIPT_KEYS, args: [...HEAD, 'count', 'delayed'] },
  clean: { keys: QUEUE_SCRIPT_KEYS, args: [...HEAD, 'state', 'cutoff', 'count'] },
  obliterate: { keys: QUEUE_SCRIPT_KEYS, args: [...HEAD, 'check', 'count'] },
  heartbeat: { keys: ['record', 'directory', 'queueRegistry'], args: ['instanceId', 'info', 'ttlMs', 'queues'] },
  advertise: { keys: ['handlerNames'], args: ['ttlMs', 'names'] },
  retireWorker: { keys: ['record', 'directory'], args: ['instanceId'] },
  listWorkers: { keys: ['directory'], args: ['recordBase'] },
  /** `probes`: one command per line, its arguments after tabs (script-access.ts). */
  checkAccess: { keys: [], args: ['probes'] },
  throughput: { keys: QUEUE_SCRIPT_KEYS, args: [...HEAD, 'minutes'] },
  /**
   * One chunk of list(..., { name }): `count` entries of the state's set after the entry (`setFrom` score,
   * `setAfter` member) read last ('' = from its start), or none when `readSet` is ''; waiting: also
   * `count` entries of the wait list after the id `listAfter` ('' = its start), or none when `readList` is '',
   * and the name's parked tasks when `parked` is '1'.
   */
  listNamed: { keys: QUEUE_SCRIPT_KEYS, args: [...HEAD, 'state', 'name', 'count', 'readSet', 'setFrom', 'setAfter', 'readList', 'listAfter', 'parked'] },
  /**
   * One page of list('waiting'): up to `limit` ids from place `offset` on, in the order they run (the wait
   * list merged with the wait set and the parked sets by wait score). The reply is the ids, in that order.
   */
  listWaiting: { keys: QUEUE_SCRIPT_KEYS, args: ['base', 'offset', 'limit'] },
} as const satisfies Record<string, { keys: readonly string[]; args: readonly string[]; row?: readonly string[] }>;

/**
 * Every reply with more than one field: `head` fields first, then (for a
 * `row`) any number of rows. A settle reply is its `head`, then a fetch reply.
 * In Lua they are REPLY_<NAME>_<FIELD> (1-based) and REPLY_<NAME>_ROW_<FIELD> (0-based in a row).
 */
export const REPLIES = {
  /** A row per task not added (most calls: none): its row number in the call (1-based), and 0 (the id existed) or an error message. */
  enqueue: { head: [], row: ['index', 'result'] },
  /** Instead of the enqueue reply when a dependency is missing: nothing was written. */
  enqueueRefused: { head: ['marker', 'message', 'index'] },
  fetch: {
    head: ['lookAgainMs', 'brokenIds', 'startedAt'],
    row: ['id', 'name', 'payload', 'attempt', 'maxAttempts', 'backoff', 'timeoutMs', 'enqueuedAt', 'waitedMs', 'traceContext', 'traceLink'],
  },
  settle: { head: ['settled'] },
  watch: { head: ['state', 'result', 'error', 'lastEventId'] },
  counts: { head: ['waiting', 'delayed', 'active', 'completed', 'dead', 'blocked', 'paused'] },
  renew: { head: ['lost', 'orphans'] },
  /**
   * deadIds: the ids moved to dead; workers: the worker tokens of the leases taken back (each LIST_SEPARATOR-joined);
   * unstarted: tasks leased ahead, put back to waiting without counting the attempt.
   */
  recover: { head: ['requeued', 'dead', 'deadIds', 'workers', 'unstarted'] },
  upsertSchedule: { head: ['next', 'status'] },
  fireSchedule: { head: ['fired', 'added'] },
  gauges: { head: ['waiting', 'delayed', 'active', 'dead'] },
  /** heldBack: tasks left dead because a dependency of theirs is to be retried first (see the holdBack argument). */
  retryDead: { head: ['cursor', 'moved', 'heldBack'] },
  /**
   * Where the next chunk starts: whether the set's part was full (`setMore`), its last entry's score and
   * member; whether the wait list's part was full and its last id. Then an id and its score per match.
   */
  listNamed: { head: ['setMore', 'setLast', 'setLastMember', 'listMore', 'listLast'], row: ['id', 'score'] },
  drain: { head: ['removed', 'more'] },
  /** The ids removed, LIST_SEPARATOR-joined, and how many. */
  clean: { head: ['ids', 'removed'] },
  /** status: OBLITERATE_STATUS; running: unexpired leases found (refused); schedules: ids removed, LIST_SEPARATOR-joined. */
  obliterate: { head: ['status', 'removed', 'running', 'schedules'] },
} as const satisfies Record<string, { head: readonly string[]; row?: readonly string[] }>;

/** The marker of an enqueueRefused reply. */
export const ENQUEUE_REFUSED = '!';
/** obliterate's status: refused (tasks running and no force), more to remove, or done (every key gone). */
export const OBLITERATE_STATUS = { refused: 0, more: 1, done: 2 } as const;
/** upsertSchedule's status, by number. */
export const UPSERT_STATUS = ['unchanged', 'created', 'updated'] as const;

/** A lease token, as fetch makes it. */
export function leaseToken(workerToken: string, attempt: number, startedAt: number): string {
  return `${workerToken}${LEASE_TOKEN_SEPARATOR}${attempt}${LEASE_TOKEN_SEPARATOR}${startedAt}`;
}

/** The task id of a schedule's occurrence due at `dueMs`: the same on every instance, so it is added once. */
export function occurrenceId(scheduleId: string, dueMs: number): string {
  return `${scheduleId}${OCCURRENCE_SEPARATOR}${dueMs}`;
}

function fieldsOf<T extends Record<string, { field: string }>>(schema: T): { readonly [K in keyof T]: T[K]['field'] } {
  return Object.fromEntries(Object.entries(schema).map(([name, { field }]) => [name, field])) as { [K in keyof T]: T[K]['field'] };
}
