import type { ReflectableDecorator } from '@nestjs/core';
import { Reflector } from '@nestjs/core';
import { checkMethodPlacement } from './method-placement.js';

const reflector = new Reflector();

/**
 * A method decorator that adds `entry` to the list `meta` keeps on the
 * method, so one method can carry several (`@OnTaskEvent('completed')
 * @OnTaskEvent('dead')`). Entries are kept as given: the explorer checks them
 * at bootstrap, where it can name the method.
 */
export function appendTo<T>(meta: ReflectableDecorator<T[]>, entry: T, decorator: string): MethodDecorator {
  return (target, key, descriptor) => {
    checkMethodPlacement(decorator, target, key, descriptor);
    const earlier = typeof descriptor.value === 'function' ? (reflector.get(meta, descriptor.value) ?? []) : [];
    meta([entry, ...earlier])(target, key, descriptor);
  };
}
