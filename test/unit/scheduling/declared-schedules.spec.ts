import { TaskHandlerRegistry, type RegisteredHandler } from '../../../lib/discovery/task-handler.registry.js';

// The registry keeps the schedule a @TaskHandler declares, for the bootstrap upsert.

function handler(name: string, schedule?: RegisteredHandler['schedule']): RegisteredHandler {
  const defaults = { queue: 'default', removeOnComplete: null, removeOnDead: null };
  return { name, queue: 'default', defaults, concurrency: null, globalConcurrency: null, invoke: async () => undefined, source: `T.${name}`, schedule };
}

describe('TaskHandlerRegistry.scheduled', () => {
  it('lists the handlers that declare a schedule, with it', () => {
    const registry = new TaskHandlerRegistry();
    const hourly = handler('hourly', { spec: { cron: '0 * * * *', every: null, timezone: 'Europe/Berlin' }, payloadJson: 'null', priority: 0 });
    registry.register(handler('plain'));
    registry.register(hourly);
    expect(registry.scheduled()).toEqual([hourly]);
  });

  it('is empty without declared schedules', () => {
    const registry = new TaskHandlerRegistry();
    registry.register(handler('plain'));
    expect(registry.scheduled()).toEqual([]);
  });
});
