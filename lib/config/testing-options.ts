import { InvalidTaskOptionsError } from '../errors/invalid-task-options.error.js';
import { checkKnownKeys, describeValue, isOptionsObject } from './option-checks.js';
import { moduleOptionHint } from './renamed-options.js';
import { MODULE_KEYS } from './options.resolver.js';
import type { TaskModuleOptions } from './task-module-options.interface.js';

/** How the test mode runs tasks: 'fake' only when the test says so; 'inline' as soon as they are due. */
export type TaskTestingMode = 'fake' | 'inline';

/** Options of `TaskModule.forTesting`: the options of forRoot without a connection, plus the mode. */
export interface TaskTestingOptions extends Omit<TaskModuleOptions, 'connection' | 'connectTimeoutMs'> {
  /** 'fake': tasks wait until TaskTester runs them; 'inline': each runs as soon as it is enqueued and due. */
  mode: TaskTestingMode;
  /**
   * 'virtual' (default): delays, backoff and leases follow a clock that moves only when TaskTester
   * (or, in inline mode, an idle runner) moves it, so nothing waits for real time; 'real': the real clock.
   */
  timers?: 'virtual' | 'real';
}

/** The test mode's settings, and the module options it runs with. */
export interface ResolvedTestingOptions {
  mode: TaskTestingMode;
  timers: 'virtual' | 'real';
  /** For the shared resolver: a connection the in-memory engine never opens. */
  moduleOptions: TaskModuleOptions;
}

const WHERE = 'TaskModule.forTesting';

/** The options forTesting takes besides mode and timers: forRoot's, less those about reaching Redis. */
const TESTING_KEYS = ['mode', 'timers', ...Object.keys(MODULE_KEYS).filter((key) => key !== 'connection' && key !== 'connectTimeoutMs')];

/** The connection the test mode's options carry: never opened. */
const IN_MEMORY = { host: '127.0.0.1' };

/** Checks what only forTesting takes and refuses what it does not; the rest goes to the module's resolver. */
export function resolveTestingOptions(options: TaskTestingOptions): ResolvedTestingOptions {
  if (!isOptionsObject(options)) throw new InvalidTaskOptionsError(`${WHERE}: expected an object with at least { mode }, got ${describeValue(options)}`);
  const { mode, timers = 'virtual', ...rest } = options;
  // A typo of 'mode' would otherwise be reported as a missing mode, the key itself unnamed.
  const unknown = Object.keys(rest).find((key) => !Object.hasOwn(MODULE_KEYS, key));
  if (mode === undefined && unknown !== undefined) throw new InvalidTaskOptionsError(`${WHERE}: unknown option '${unknown}'; mode ('fake' or 'inline') is required`);
  if (mode !== 'fake' && mode !== 'inline') throw new InvalidTaskOptionsError(`${WHERE}: mode must be 'fake' or 'inline', got ${JSON.stringify(mode)}`);
  if (timers !== 'virtual' && timers !== 'real') throw new InvalidTaskOptionsError(`${WHERE}: timers must be 'virtual' or 'real', got ${JSON.stringify(timers)}`);
  for (const key of ['connection', 'connectTimeoutMs']) {
    if (key in rest) throw new InvalidTaskOptionsError(`${WHERE}: ${key} does not apply: the test mode keeps tasks in memory (remove it)`);
  }
  // Checked here, so the list of known options is the test mode's, not forRoot's.
  checkKnownKeys(rest, TESTING_KEYS, WHERE, '', moduleOptionHint);
  // The resolver wants a connection; the in-memory engine never reads it.
  return { mode, timers, moduleOptions: { ...rest, connection: IN_MEMORY } };
}
