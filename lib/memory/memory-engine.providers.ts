import type { Provider } from '@nestjs/common';
import { RESOLVED_TASK_OPTIONS, type ResolvedTaskOptions } from '../config/resolved-options.js';
import { SCHEDULE_ENGINE, TASK_ENGINE } from '../engine/engine.tokens.js';
import { SystemClock, VirtualClock } from './memory-clock.js';
import { MemoryScheduleEngine } from './memory-schedule-engine.js';
import { MemoryStore } from './memory-store.js';
import { MemoryTaskEngine } from './memory-task-engine.js';

/** How the in-memory engine tells time: the real clock, or a virtual one that moves only when told. */
export type MemoryTimers = 'real' | 'virtual';

/** The in-memory adapter as TaskModule.forTesting wires it: one store, the engines of the port on it. */
export function memoryEngineProviders(timers: MemoryTimers): Provider[] {
  return [
    {
      provide: MemoryStore,
      useFactory: (options: ResolvedTaskOptions) => new MemoryStore(timers === 'virtual' ? new VirtualClock() : new SystemClock(), options),
      inject: [RESOLVED_TASK_OPTIONS],
    },
    { provide: MemoryTaskEngine, useFactory: (store: MemoryStore, options: ResolvedTaskOptions) => new MemoryTaskEngine(store, options), inject: [MemoryStore, RESOLVED_TASK_OPTIONS] },
    { provide: MemoryScheduleEngine, useFactory: (store: MemoryStore) => new MemoryScheduleEngine(store), inject: [MemoryStore] },
    { provide: TASK_ENGINE, useExisting: MemoryTaskEngine },
    { provide: SCHEDULE_ENGINE, useExisting: MemoryScheduleEngine },
  ];
}
