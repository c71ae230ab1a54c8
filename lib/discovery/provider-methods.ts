import type { InjectionToken } from '@nestjs/common';
import type { DiscoveryService, MetadataScanner } from '@nestjs/core';

/** A method of a provider instance, found by scanning the app. */
export interface ProviderMethod {
  instance: object;
  methodName: string;
  method: (...args: unknown[]) => unknown;
  /** "Class.method", for messages. */
  source: string;
  /** False for request-scoped (or transient-tree) providers: `instance` is then only a stand-in, resolve one per context. */
  isStatic: boolean;
  /** The provider's token and its wrapper's id, to resolve a request-scoped instance by. */
  provider: { token: InjectionToken; id: string };
}

/** Every method of every instantiated provider of the app, for explorers to read metadata from. */
export function* providerMethods(discovery: DiscoveryService, scanner: MetadataScanner): Generator<ProviderMethod> {
  for (const wrapper of discovery.getProviders()) {
    const { instance } = wrapper;
    if (!instance || typeof instance !== 'object') continue;
    const prototype = Object.getPrototypeOf(instance) as object | null;
    if (!prototype) continue;
    for (const methodName of scanner.getAllMethodNames(prototype)) {
      const method = (instance as Record<string, unknown>)[methodName];
      if (typeof method !== 'function') continue;
      yield {
        instance,
        methodName,
        method: method as (...args: unknown[]) => unknown,
        source: `${instance.constructor.name}.${methodName}`,
        isStatic: wrapper.isDependencyTreeStatic(),
        provider: { token: wrapper.token, id: wrapper.id },
      };
    }
  }
}
