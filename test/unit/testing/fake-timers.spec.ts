import { Injectable } from '@nestjs/common';
import { TaskHandler } from '../../../lib/index.js';
import { startTestingApp } from '../../fixtures/testing-app.js';

// Many Nest suites fake timers (jest.useFakeTimers, often globally). The test
// mode takes its turns on timers of its own, so drain() and an inline waitFor
// still end under fake timers; its clock is TaskTester's.

@Injectable()
class Steps {
  @TaskHandler('step.run')
  run(payload: { n: number }) {
    return payload.n * 2;
  }
}

describe('the test mode under jest fake timers', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('drains a delayed task in fake mode', async () => {
    const t = await startTestingApp([Steps], { mode: 'fake' });
    try {
      const ref = await t.queue.enqueue('step.run', { n: 2 }, { delay: 1_000 });
      expect(await t.tester.drain()).toMatchObject({ attempts: 1, advancedMs: 1_000 });
      expect(await t.queue.get(ref)).toMatchObject({ state: 'completed', result: 4 });
    } finally {
      await t.close();
    }
  });

  it('drains a delayed task on real timers, whose clock is not the faked Date', async () => {
    const t = await startTestingApp([Steps], { mode: 'fake', timers: 'real' });
    try {
      const ref = await t.queue.enqueue('step.run', { n: 4 }, { delay: 200 });
      expect(await t.tester.drain()).toMatchObject({ attempts: 1 });
      expect(await t.queue.get(ref)).toMatchObject({ state: 'completed', result: 8 });
    } finally {
      await t.close();
    }
  });

  it('reads the real time on real timers even when the library loads after the timers were faked', () => {
    jest.setSystemTime(0);
    let now = 0;
    jest.isolateModules(() => {
      const { SystemClock } = require('../../../lib/memory/memory-clock.js') as typeof import('../../../lib/memory/memory-clock.js');
      now = new SystemClock().now();
    });
    expect(Date.now()).toBe(0);
    expect(now).toBeGreaterThan(1_700_000_000_000);
  });

  it('resolves waitFor in inline mode', async () => {
    const t = await startTestingApp([Steps], { mode: 'inline' });
    try {
      const ref = await t.queue.enqueue('step.run', { n: 3 }, { delay: 1_000 });
      expect(await t.queue.waitFor(ref, { timeout: 5_000 })).toBe(6);
    } finally {
      await t.close();
    }
  });
});
