import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { TaskModuleOptions } from '../config/task-module-options.interface.js';

/**
 * Builds forRoot / forRootAsync; the module is always global so TaskQueue can
 * be injected anywhere. Its providers are added by TaskModule (task.module.ts),
 * which picks the store adapter for each of forRoot, forRootAsync and forTesting.
 */
export const {
  ConfigurableModuleClass: ConfigurableTaskModule,
  MODULE_OPTIONS_TOKEN: TASK_MODULE_OPTIONS,
  OPTIONS_TYPE: TASK_MODULE_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: TASK_MODULE_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<TaskModuleOptions>({ moduleName: 'Task' })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createTaskOptions')
  .setExtras({}, (definition) => ({ ...definition, global: true }))
  .build();
