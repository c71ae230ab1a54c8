import { InvalidTaskOptionsError } from '../errors/invalid-task-options.error.js';

/**
 * Throws unless a method decorator is on an instance method. Discovery reads
 * the methods of the instances Nest makes: on a static method the decorator
 * was silently ignored (a handler's tasks waited for a worker that never
 * came), and on an accessor it failed inside reflect-metadata with no word of
 * why. Nothing else will name the member, so the class's import says it.
 * `decorator` is the decorator as written, e.g. `@TaskHandler("mail.send")`.
 */
export function checkMethodPlacement(decorator: string, target: object, key: string | symbol | undefined, descriptor: PropertyDescriptor | undefined): void {
  const owner = typeof target === 'function' ? target : target.constructor;
  const className = (owner as { name?: string } | undefined)?.name || 'an anonymous class';
  const member = `${className}.${String(key)}`;
  let problem: string | undefined;
  if (key === undefined) problem = `is on the class ${className}: put it on one of its methods`;
  else if (typeof target === 'function') problem = `is on the static method ${member}: it takes an instance method (called on the provider Nest makes); remove 'static'`;
  else if (descriptor === undefined) problem = `is on the property ${member}: it takes a method; write ${String(key)}(...) { ... } rather than a field or an arrow function`;
  else if (typeof descriptor.value !== 'function') problem = `is on the accessor ${member}: it takes a method, not a getter or setter`;
  if (problem) throw new InvalidTaskOptionsError(`${decorator} ${problem}`);
}
