import { resolveTaskOptions } from '../../../lib/config/options.resolver.js';
import { VirtualClock } from '../../../lib/memory/memory-clock.js';
import { MemoryScheduleEngine } from '../../../lib/memory/memory-schedule-engine.js';
import { MemoryStore } from '../../../lib/memory/memory-store.js';
import { MemoryTaskEngine } from '../../../lib/memory/memory-task-engine.js';
import { describeEngineContract } from '../../contract/engine-contract.js';

// The engine contract against the in-memory engine the test mode runs on,
// with a virtual clock: `elapse` moves it, so no test here waits for real time.
describeEngineContract('in-memory', async (settings) => {
  const options = resolveTaskOptions({ connection: 'redis://127.0.0.1:6379', ...settings });
  const clock = new VirtualClock();
  const store = new MemoryStore(clock, options);
  return {
    tasks: new MemoryTaskEngine(store, options),
    schedules: new MemoryScheduleEngine(store),
    elapse: async (ms) => clock.advance(ms),
    close: async () => undefined,
  };
});
