import { Catch, Inject, Injectable, Scope, UseFilters, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { REQUEST } from '@nestjs/core';
import { TASK_CONTEXT, TaskContext, TaskHandler, TaskQueue, type TaskRequest } from '../../lib/index.js';
import { startTaskApp } from '../fixtures/task-app.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';

// A filter class bound with @UseFilters comes from Nest's injector with its
// dependencies, whatever its scope; on a class a factory makes (for which Nest
// makes no filters) one without dependencies is made by the library.

/** Request-scoped, with dependencies: it answers with what it was given. */
@Catch()
@Injectable({ scope: Scope.REQUEST })
class TenantFilter implements ExceptionFilter {
  constructor(
    @Inject(REQUEST) private readonly request: TaskRequest<{ tenant: string }>,
    @Inject(TASK_CONTEXT) private readonly task: TaskContext,
  ) {}
  catch(error: Error, host: ArgumentsHost) {
    return {
      tenant: this.request.payload.tenant,
      id: this.task.id,
      error: error.message,
      type: host.getType(),
      // As in a guard's ExecutionContext: the payload stands where an HTTP request would.
      httpRequest: host.switchToHttp().getRequest<unknown>(),
    };
  }
}

/** Transient, on a singleton host: made once for the handler. */
@Catch()
@Injectable({ scope: Scope.TRANSIENT })
class TransientFilter implements ExceptionFilter {
  static made = 0;
  constructor() {
    TransientFilter.made += 1;
  }
  catch(error: Error) {
    return { caught: error.message };
  }
}

@Injectable()
class FilteredTasks {
  @TaskHandler('filtered.scoped', { queue: 'filters' })
  @UseFilters(TenantFilter)
  scoped(): never {
    throw new Error('no stock');
  }
}

/** Singleton: none of its filters is request-scoped. */
@Injectable()
class TransientFilteredTasks {
  @TaskHandler('filtered.transient', { queue: 'filters' })
  @UseFilters(TransientFilter)
  transient(): never {
    throw new Error('gone');
  }
}

describe('filters bound with @UseFilters whose scope is not the default', () => {
  const prefix = uniquePrefix('scoped-filters');
  afterAll(() => removePrefix(prefix));

  it('makes a request-scoped filter per task with its dependencies, and a transient one once', async () => {
    const t = await startTaskApp(prefix, [FilteredTasks, TransientFilteredTasks]);
    try {
      const made = TransientFilter.made;
      const refs = await t.queue.enqueueMany([
        { name: 'filtered.scoped', payload: { tenant: 'acme' } },
        { name: 'filtered.scoped', payload: { tenant: 'globex' } },
        { name: 'filtered.transient', payload: {} },
        { name: 'filtered.transient', payload: {} },
      ]);
      const results = await Promise.all(refs.map((ref) => t.queue.waitFor(ref, { timeout: 10_000 })));
      expect(results).toEqual([
        { tenant: 'acme', id: refs[0].id, error: 'no stock', type: 'task', httpRequest: { tenant: 'acme' } },
        { tenant: 'globex', id: refs[1].id, error: 'no stock', type: 'task', httpRequest: { tenant: 'globex' } },
        { caught: 'gone' },
        { caught: 'gone' },
      ]);
      expect(TransientFilter.made - made).toBeLessThanOrEqual(1);
    } finally {
      await t.close();
    }
  });
});

/** No dependencies: made by the library when Nest has no instance (its host is not a class provider). */
@Catch()
class PlainFilter implements ExceptionFilter {
  catch(error: Error) {
    return { plain: error.message };
  }
}

/** A dependency: only Nest can make it. */
@Catch()
@Injectable()
class NeedyFilter implements ExceptionFilter {
  constructor(readonly tasks: TaskQueue) {}
  catch(error: Error) {
    return { needy: error.message };
  }
}

class FactoryMadeTasks {
  @TaskHandler('factory.filtered')
  @UseFilters(PlainFilter)
  filtered(): never {
    throw new Error('broke');
  }
}

class FactoryMadeNeedyTasks {
  @TaskHandler('factory.needy')
  @UseFilters(NeedyFilter)
  needy(): never {
    throw new Error('broke');
  }
}

describe('filters on a handler class that a factory makes', () => {
  const prefix = uniquePrefix('factory-filters');
  afterAll(() => removePrefix(prefix));

  it('makes a filter without dependencies itself, as Nest registers none for a useFactory provider', async () => {
    const t = await startTaskApp(prefix, [{ provide: FactoryMadeTasks, useFactory: () => new FactoryMadeTasks() }]);
    try {
      const ref = await t.queue.enqueue('factory.filtered', {});
      expect(await t.queue.waitFor(ref, { timeout: 10_000 })).toEqual({ plain: 'broke' });
    } finally {
      await t.close();
    }
  });

  it('stops bootstrap for a filter with dependencies there, saying how to bind it', async () => {
    await expect(startTaskApp(prefix, [{ provide: FactoryMadeNeedyTasks, useFactory: () => new FactoryMadeNeedyTasks() }])).rejects.toThrow(
      /^@UseFilters\(NeedyFilter\) on FactoryMadeNeedyTasks\.needy: Nest has no instance of the filter, whose constructor takes dependencies \(.*\); Nest makes @UseFilters classes for classes listed in providers: list FactoryMadeNeedyTasks \(not a useFactory or useValue provider\), or pass an instance: @UseFilters\(new NeedyFilter\(\.\.\.\)\)$/,
    );
  });
});

/** Request-scoped: the task it was made for. */
@Injectable({ scope: Scope.REQUEST })
class TaskNamer {
  constructor(@Inject(TASK_CONTEXT) private readonly task: TaskContext) {}
  name() {
    return `${this.task.name}#${this.task.id}`;
  }
}

/** Default-scoped, but per task through its request-scoped dependency. */
@Catch()
@Injectable()
class NamingFilter implements ExceptionFilter {
  constructor(private readonly namer: TaskNamer) {}
  catch(error: Error) {
    return { caught: error.message, by: this.namer.name() };
  }
}

@Injectable()
class NamedTasks {
  @TaskHandler('named.run')
  @UseFilters(NamingFilter)
  run(): never {
    throw new Error('boom');
  }
}

/** Request-scoped and without dependencies, on a class a factory makes. */
@Catch()
@Injectable({ scope: Scope.REQUEST })
class ScopedPlainFilter implements ExceptionFilter {
  catch(error: Error) {
    return { scopedPlain: error.message };
  }
}

class FactoryMadeScopedTasks {
  @TaskHandler('factory.scoped')
  @UseFilters(ScopedPlainFilter)
  run(): never {
    throw new Error('broke');
  }
}

describe('filters whose scope comes from their dependencies, or whose class Nest does not know', () => {
  const prefix = uniquePrefix('implied-filter-scopes');
  afterAll(() => removePrefix(prefix));

  it('makes a default-scoped filter with a request-scoped dependency per task', async () => {
    const t = await startTaskApp(prefix, [NamedTasks, TaskNamer]);
    try {
      const ref = await t.queue.enqueue('named.run', {});
      expect(await t.queue.waitFor(ref, { timeout: 10_000 })).toEqual({ caught: 'boom', by: `named.run#${ref.id}` });
    } finally {
      await t.close();
    }
  });

  it('makes a request-scoped filter without dependencies itself on a class a factory makes', async () => {
    const t = await startTaskApp(prefix, [{ provide: FactoryMadeScopedTasks, useFactory: () => new FactoryMadeScopedTasks() }]);
    try {
      const ref = await t.queue.enqueue('factory.scoped', {});
      expect(await t.queue.waitFor(ref, { timeout: 10_000 })).toEqual({ scopedPlain: 'broke' });
    } finally {
      await t.close();
    }
  });
});
