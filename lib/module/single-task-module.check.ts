import { Injectable, type OnModuleInit, type Provider } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { InvalidTaskOptionsError } from '../errors/invalid-task-options.error.js';

/**
 * What every TaskModule holds, under a token from the global symbol registry:
 * the ES module and CommonJS builds of this package are two copies (an app
 * that imports it while a dependency requires it loads both), and each
 * copy's own classes differ, but this token is one, so modules of both count.
 */
export const TASK_MODULE_MARK = Symbol.for('nestjs-redis-tasks:task-module');

/**
 * Refuses a second TaskModule in one app. Each would open connections of its
 * own and run every handler in a worker of its own (twice the concurrency
 * asked for), while TaskQueue came from whichever Nest resolved last. Runs at
 * module init, before any connection opens (they open at bootstrap).
 */
@Injectable()
export class SingleTaskModuleCheck implements OnModuleInit {
  constructor(private readonly modules: ModulesContainer) {}

  onModuleInit(): void {
    // The mark's value is the check class of the copy that made the module: two values, two copies.
    const marks = [...this.modules.values()].filter((module) => module.providers.has(TASK_MODULE_MARK)).map((module) => module.providers.get(TASK_MODULE_MARK)?.instance);
    if (marks.length <= 1) return;
    if (new Set(marks).size > 1) {
      throw new InvalidTaskOptionsError(
        `TaskModule is imported ${marks.length} times in this app, from two copies of nestjs-redis-tasks: its ES module build ` +
          '(import) and its CommonJS build (require), as when the app imports it and a CommonJS dependency requires it, ' +
          'or two installed versions of it. Their classes differ (a TaskQueue of one is not found by the other): load one copy, ' +
          'by making that dependency an ES module or requiring the package from the app too, and by deduplicating versions ' +
          '(`npm ls nestjs-redis-tasks`; see "Install" in the README)',
      );
    }
    throw new InvalidTaskOptionsError(
      `TaskModule is imported ${marks.length} times in this app (each TaskModule.forRoot, forRootAsync and forTesting call makes one, ` +
        'and each would run every handler): import it once, in the root module; it is global, so TaskQueue can be injected everywhere. ' +
        'To run a module that imports forRoot on the test mode, replace it in the test: ' +
        'Test.createTestingModule({ imports: [AppModule] }).overrideModule(tasksModule).useModule(TaskModule.forTesting({ mode })), ' +
        'where tasksModule is the value forRoot returned (see docs/testing.md)',
    );
  }
}

/** The check and the mark it counts. */
export const SINGLE_TASK_MODULE_PROVIDERS: Provider[] = [SingleTaskModuleCheck, { provide: TASK_MODULE_MARK, useValue: SingleTaskModuleCheck }];
