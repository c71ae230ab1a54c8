import type { InjectionToken } from '@nestjs/common';
import type { DiscoveryService, MetadataScanner } from '@nestjs/core';

/** A method of a provider instance, found by scanning the app. */
export interface ProviderMethod {
  instance: object;
  methodName: string;
  method: (...args: unknown[]) => unknown;
  /** "Class.method", for messages. */
  source: string;
  /** The module that declares the provider, for messages that must tell two declarations of one class apart. */
  module: string;
  /** False for request-scoped (or transient-tree) providers: `instance` is then only a stand-in, resolve one per context. */
  isStatic: boolean;
  /**
   * A transient provider: `instance` is Nest's stand-in, whose constructor never
   * ran, and there is no one instance to call (each consumer gets its own).
   */
  isTransient: boolean;
  /** The provider's token and its wrapper's id, to resolve a request-scoped instance by; `durable` when a ContextIdStrategy makes its tree durable. */
  provider: { token: InjectionToken; id: string; durable: boolean };
}

/** A method of a controller carrying one of this library's decorators, which only providers may carry. */
export interface ControllerMethod {
  method: (...args: unknown[]) => unknown;
  source: string;
}

/** Every method of every instantiated provider of the app, for explorers to read metadata from. */
export function* providerMethods(discovery: DiscoveryService, scanner: MetadataScanner): Generator<ProviderMethod> {
  // An instance provided under a second token (useExisting, or a factory returning it) is scanned once:
  // scanned again, its handlers would be claimed twice and its listeners called twice.
  const scanned = new Set<object>();
  for (const wrapper of discovery.getProviders()) {
    if (wrapper.isAlias) continue;
    const { instance } = wrapper;
    if (!instance || typeof instance !== 'object' || scanned.has(instance)) continue;
    scanned.add(instance);
    const prototype = Object.getPrototypeOf(instance) as object | null;
    if (!prototype) continue;
    const isStatic = wrapper.isDependencyTreeStatic();
    const provider = { token: wrapper.token, id: wrapper.id, durable: !isStatic && wrapper.isDependencyTreeDurable() };
    for (const methodName of scanner.getAllMethodNames(prototype)) {
      const method = (instance as Record<string, unknown>)[methodName];
      if (typeof method !== 'function') continue;
      yield {
        instance,
        methodName,
        method: method as (...args: unknown[]) => unknown,
        source: `${instance.constructor.name}.${methodName}`,
        module: wrapper.host?.metatype?.name ?? 'an unknown module',
        isStatic,
        isTransient: wrapper.isTransient,
        provider,
      };
    }
  }
}

/** Every method of every controller of the app (their prototypes: a controller may be request-scoped). */
export function* controllerMethods(discovery: DiscoveryService, scanner: MetadataScanner): Generator<ControllerMethod> {
  for (const wrapper of discovery.getControllers()) {
    const type = wrapper.metatype;
    if (typeof type !== 'function' || !type.prototype) continue;
    const prototype = type.prototype as Record<string, unknown>;
    for (const methodName of scanner.getAllMethodNames(prototype)) {
      const method = prototype[methodName];
      if (typeof method === 'function') yield { method: method as (...args: unknown[]) => unknown, source: `${type.name}.${methodName}` };
    }
  }
}
