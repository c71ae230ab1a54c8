import { InvalidTaskOptionsError, TaskModule } from '../../../lib/index.js';

class Factory {
  createTaskOptions() {
    return { connection: 'redis://127.0.0.1:6379' };
  }
}

describe('TaskModule.forRootAsync options', () => {
  it.each([
    ['no source', {}, 'TaskModule.forRootAsync: give exactly one of useFactory, useClass and useExisting'],
    ['two sources', { useFactory: () => ({}), useClass: Factory }, 'give exactly one of useFactory, useClass and useExisting, not useFactory and useClass'],
    ['an unknown key', { useFactory: () => ({}), isGlobal: true }, "TaskModule.forRootAsync: unknown option 'isGlobal' (known: imports, inject, useFactory, useClass, useExisting, provideInjectionTokensFrom)"],
    ['a factory that is not a function', { useFactory: { connection: 'redis://x' } }, 'TaskModule.forRootAsync: useFactory must be a function'],
    ['not an object', null, 'TaskModule.forRootAsync: expected { useFactory, inject?, imports? }, { useClass } or { useExisting }'],
    ['a class without createTaskOptions', { useClass: class AppConfig {} }, 'TaskModule.forRootAsync: useClass AppConfig must implement TaskOptionsFactory: a createTaskOptions() method'],
  ])('refuses %s where it is called, naming it', (_what, options, message) => {
    const call = () => TaskModule.forRootAsync(options as never);
    expect(call).toThrow(InvalidTaskOptionsError);
    expect(call).toThrow(message);
  });

  it('takes each of the three sources, with imports and inject beside a factory', () => {
    expect(TaskModule.forRootAsync({ imports: [], inject: [], useFactory: () => ({ connection: 'redis://127.0.0.1:6379' }) }).module).toBe(TaskModule);
    expect(TaskModule.forRootAsync({ useClass: Factory }).module).toBe(TaskModule);
    expect(TaskModule.forRootAsync({ useExisting: Factory }).module).toBe(TaskModule);
    // The method as a class field, on the class or a parent: only instances have it, and Nest calls it on one.
    class FieldFactory {
      createTaskOptions = () => ({ connection: 'redis://127.0.0.1:6379' });
    }
    class Inherited extends FieldFactory {}
    class InheritedMethod extends Factory {}
    for (const useClass of [FieldFactory, Inherited, InheritedMethod]) expect(TaskModule.forRootAsync({ useClass }).module).toBe(TaskModule);
  });
});
