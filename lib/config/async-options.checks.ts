import { InvalidTaskOptionsError } from '../errors/invalid-task-options.error.js';
import { describeValue, isOptionsObject } from './option-checks.js';

const ASYNC_KEYS = new Set(['imports', 'inject', 'useFactory', 'useClass', 'useExisting', 'provideInjectionTokensFrom']);
const SOURCES = ['useFactory', 'useClass', 'useExisting'] as const;

/**
 * forRootAsync's own shape, checked where it is called: Nest would otherwise
 * report a missing source as an unresolvable dependency of its options token,
 * and ignore an unknown key.
 */
export function checkAsyncOptions(options: unknown): void {
  const where = 'TaskModule.forRootAsync';
  if (!isOptionsObject(options)) {
    throw new InvalidTaskOptionsError(`${where}: expected { useFactory, inject?, imports? }, { useClass } or { useExisting }, got ${describeValue(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!ASYNC_KEYS.has(key)) throw new InvalidTaskOptionsError(`${where}: unknown option '${key}' (known: ${[...ASYNC_KEYS].join(', ')}); the module's options come from the factory`);
  }
  const given = SOURCES.filter((key) => (options as Record<string, unknown>)[key] !== undefined);
  if (given.length !== 1) {
    throw new InvalidTaskOptionsError(
      `${where}: give exactly one of useFactory, useClass and useExisting${given.length > 1 ? `, not ${given.join(' and ')}` : ''}`,
    );
  }
  const source = (options as Record<string, unknown>)[given[0]];
  // useExisting may name any provider's token; the other two are called or constructed.
  if (given[0] !== 'useExisting' && typeof source !== 'function') {
    throw new InvalidTaskOptionsError(`${where}: ${given[0]} must be ${given[0] === 'useFactory' ? 'a function' : 'a class'}`);
  }
  // Nest would call the method on the instance and fail with its own TypeError, naming no class.
  if (given[0] === 'useClass' && !mayCreateTaskOptions(source as Function)) {
    const name = (source as { name?: string }).name || 'the class';
    throw new InvalidTaskOptionsError(`${where}: useClass ${name} must implement TaskOptionsFactory: a createTaskOptions() method returning the module's options`);
  }
}

/**
 * Whether instances of the class can have createTaskOptions: a method on its
 * prototype chain, or a class field (an arrow function) that only an instance
 * has, found by its name in the source of the class or a parent class.
 */
function mayCreateTaskOptions(type: Function): boolean {
  for (let c: unknown = type; typeof c === 'function' && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    if (typeof (c as { prototype?: Record<string, unknown> }).prototype?.createTaskOptions === 'function') return true;
    if (/\bcreateTaskOptions\b/.test(Function.prototype.toString.call(c))) return true;
  }
  return false;
}
