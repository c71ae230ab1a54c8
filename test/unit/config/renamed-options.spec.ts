import { resolveTaskOptions } from '../../../lib/config/options.resolver.js';
import { fallbackPolicy } from '../../../lib/config/resolved-options.js';
import { checkScheduleSpec } from '../../../lib/config/schedule-spec.checks.js';
import { normalizeHandlerOptions } from '../../../lib/discovery/handler-options.normalizer.js';
import { normalizeEnqueue } from '../../../lib/producer/enqueue-options.normalizer.js';
import { InvalidTaskOptionsError, defineTask } from '../../../lib/index.js';
import { checkList } from '../../../lib/producer/insight-options.checks.js';
import { checkClean } from '../../../lib/producer/bulk-options.checks.js';
import { checkListener } from '../../../lib/discovery/listener-options.js';
import { TASK_EVENT_TYPES } from '../../../lib/interfaces/task-event-types.js';
import { taskEventHint } from '../../../lib/config/renamed-options.js';

// A BullMQ option name is refused like any unknown option, and the error says
// what the setting is called here, wherever it was written.

const resolved = resolveTaskOptions({ connection: 'redis://127.0.0.1:6379' });
const fallback = (queue: string) => fallbackPolicy(resolved, queue);
const enqueueWith = (options: object) => () => normalizeEnqueue('mail.send', null, options, undefined, fallback, 1_000, () => 'id1');
const moduleWith = (options: object) => () => resolveTaskOptions({ connection: 'redis://127.0.0.1:6379', ...options });

describe('unknown options that BullMQ users bring along', () => {
  it.each([
    ['enqueue jobId', enqueueWith({ jobId: 'x' }), /enqueue\('mail\.send'\): unknown option 'jobId' \(known: id, delay, .*\); the task id is 'id'$/],
    ['enqueue pattern', enqueueWith({ pattern: '* * * * *' }), /unknown option 'pattern' .*; a recurring task is a schedule: TaskQueue\.schedule\(id, name, payload, \{ cron \}\)/],
    ['enqueue duration', enqueueWith({ duration: 1000 }), /unknown option 'duration' .*; a rate limit is per queue, in the module options: queues: \{ <queue>: \{ rateLimit/],
    ['module defaults.removeOnFail', moduleWith({ defaults: { removeOnFail: true } }), /unknown option 'defaults\.removeOnFail' .*; the module keeps dead tasks by 'retention: \{ dead/],
    ['module removeOnFail', moduleWith({ removeOnFail: true }), /unknown option 'removeOnFail' .*; the module keeps dead tasks by 'retention: \{ dead/],
    ['queue defaults removeOnFail', moduleWith({ queues: { q: { defaults: { removeOnFail: true } } } }), /unknown option 'queues\.q\.defaults\.removeOnFail' .*; a failed task is dead here: 'removeOnDead'/],
    ['enqueue removeOnFail', enqueueWith({ removeOnFail: true }), /unknown option 'removeOnFail' \(known: [^)]*\); a failed task is dead here: 'removeOnDead'/],
    ['enqueue repeat', enqueueWith({ repeat: { every: 1000 } }), /unknown option 'repeat' \(known: [^)]*\); a recurring task is a schedule/],
    ['handler removeOnFail', () => normalizeHandlerOptions({ name: 'mail.send', removeOnFail: 5 } as never, 'Mail.send', 1_000), /@TaskHandler on Mail\.send: unknown option 'removeOnFail' \(known: queue, attempts, [^)]*\); .*'removeOnDead'/],
    ['module defaults.removeOnComplete', moduleWith({ defaults: { removeOnComplete: { count: 100 } } }), /unknown option 'defaults\.removeOnComplete' \(known: attempts, backoff, timeout\); the module keeps completed tasks by 'retention: \{ completed/],
    ['module defaultJobOptions', moduleWith({ defaultJobOptions: {} }), /unknown option 'defaultJobOptions' .*; the module's task policy is 'defaults'/],
    ['worker lockDuration', moduleWith({ worker: { lockDuration: 30_000 } }), /unknown option 'worker\.lockDuration' .*; a running task's lease is worker\.leaseMs/],
    ['rate limit duration', moduleWith({ queues: { q: { rateLimit: { max: 5, duration: 1000 } } } }), /unknown option 'queues\.q\.rateLimit\.duration' .*; a rate limit's window is 'perMs'/],
    ['schedule pattern', () => checkScheduleSpec({ pattern: '0 * * * *' }, "schedule('s')", 'options'), /unknown option 'options\.pattern' .*; a cron expression is 'cron'/],
    ['enqueue deduplication', enqueueWith({ deduplication: { id: 'x' } }), /unknown option 'deduplication' \(known: [^)]*\); a task is added once per 'id'/],
    ['enqueue failParentOnFailure', enqueueWith({ failParentOnFailure: true }), /unknown option 'failParentOnFailure' .*; .*its own 'dependencyFailure' \('dead' or 'run'\)/],
    ['enqueue ignoreDependencyOnFailure', enqueueWith({ ignoreDependencyOnFailure: true }), /unknown option 'ignoreDependencyOnFailure' .*'dependencyFailure'/],
    ['enqueue keepLogs', enqueueWith({ keepLogs: 10 }), /unknown option 'keepLogs' .*; a task's log keeps the module's 'taskLogs: \{ maxLines \}' lines$/],
    ['enqueue lifo', enqueueWith({ lifo: true }), /unknown option 'lifo' .*; tasks run in priority order, then oldest first/],
    ['defineTask removeOnFail', () => defineTask('mail.send', { removeOnFail: 5 } as never), /^defineTask\('mail\.send'\): unknown option 'removeOnFail' \(known: [^)]*\); a failed task is dead here: 'removeOnDead'$/],
    ['queue defaultJobOptions', moduleWith({ queues: { q: { defaultJobOptions: {} } } }), /unknown option 'queues\.q\.defaultJobOptions' .*; a queue's task policy and retention are its 'defaults'$/],
    ['list failed', () => checkList('failed', undefined), /^list: state must be one of .*, got "failed"; a task whose attempts failed for good is 'dead' here/],
    ['list prioritized', () => checkList('prioritized', undefined), /got "prioritized"; tasks waiting to run, with a priority or not, are 'waiting' here$/],
    ['clean failed', () => checkClean('q', 'failed', undefined), /^clean: state must be 'completed' or 'dead' .*, got "failed"; a task whose attempts failed for good is 'dead' here/],
    ['@OnTaskEvent failed', () => checkListener({ type: 'failed', options: {} }, TASK_EVENT_TYPES, '@OnTaskEvent on A.b', taskEventHint), /^@OnTaskEvent on A\.b: unknown event type "failed" \(known: [^)]*\); a failed attempt is 'retrying' when its task runs again and 'dead' when it does not/],
    ['@OnTaskEvent active', () => checkListener({ type: 'active', options: {} }, TASK_EVENT_TYPES, '@OnTaskEvent on A.b', taskEventHint), /unknown event type "active" .*; a task's start is 'started'$/],
  ])('%s', (_label, call, message) => {
    expect(call).toThrow(InvalidTaskOptionsError);
    expect(call).toThrow(message);
  });

  it('refuses a handler option named as what every object inherits', () => {
    expect(() => normalizeHandlerOptions({ name: 'mail.send', constructor: 1 } as never, 'Mail.send', 1_000)).toThrow(
      /^@TaskHandler on Mail\.send: unknown option 'constructor' \(known: queue, [^)]*\)$/,
    );
  });

  it('adds nothing for a name that is no known rename, or one written where it has no twin', () => {
    expect(enqueueWith({ retries: 3 })).toThrow(/unknown option 'retries' \(known: [^)]*\)$/);
    expect(moduleWith({ worker: { jobId: 'x' } })).toThrow(/unknown option 'worker\.jobId' \(known: [^)]*\)$/);
    expect(moduleWith({ queues: { q: { defaults: { removeOnComplete: true, lifo: true } } } })).toThrow(/unknown option 'queues\.q\.defaults\.lifo' \(known: [^)]*\)$/);
    expect(() => checkList('running', undefined)).toThrow(/got "running"$/);
    expect(() => checkListener({ type: 'constructor', options: {} }, TASK_EVENT_TYPES, '@OnTaskEvent on A.b', taskEventHint)).toThrow(/\(known: [^)]*\)$/);
  });
});
