import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { InvalidTaskOptionsError } from '../errors/invalid-task-options.error.js';

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
    // Only a TaskModule holds this provider: counting its holders counts TaskModules.
    const count = [...this.modules.values()].filter((module) => module.providers.has(SingleTaskModuleCheck)).length;
    if (count <= 1) return;
    throw new InvalidTaskOptionsError(
      `TaskModule is imported ${count} times in this app (each TaskModule.forRoot, forRootAsync and forTesting call makes one, ` +
        'and each would run every handler): import it once, in the root module; it is global, so TaskQueue can be injected everywhere. ' +
        'To run a module that imports forRoot on the test mode, replace it in the test: ' +
        'Test.createTestingModule({ imports: [AppModule] }).overrideModule(tasksModule).useModule(TaskModule.forTesting({ mode })), ' +
        'where tasksModule is the value forRoot returned (see docs/testing.md)',
    );
  }
}
