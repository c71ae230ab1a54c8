import { Injectable } from '@nestjs/common';
import { InvalidTaskOptionsError, TaskHandler } from '../../../lib/index.js';
import { startTestingApp } from '../../fixtures/testing-app.js';

// TaskTester's arguments are checked as the module's options are; on real
// timers drain() and runNext() wait for due tasks; with `worker: false` the
// test mode runs nothing, as a producer-only app; a rate limit's window does
// not move the clock once nothing is left.

@Injectable()
class Steps {
  @TaskHandler('step.run')
  run(payload: { n: number }) {
    return payload.n;
  }
}

describe('TaskTester arguments', () => {
  it('refuses unknown keys and values of the wrong kind, naming them', async () => {
    const t = await startTestingApp([Steps], { mode: 'fake' });
    try {
      await expect(t.tester.drain({ advanceTim: false } as never)).rejects.toThrow(/drain: unknown option 'advanceTim' \(known: advanceTime, maxAttempts\)/);
      await expect(t.tester.drain({ maxAttempts: -3 })).rejects.toThrow(/drain: maxAttempts must be an integer >= 1, got -3/);
      await expect(t.tester.drain({ advanceTime: Number.NaN })).rejects.toThrow(InvalidTaskOptionsError);
      await expect(t.tester.drain({ advanceTime: '5000' as never })).rejects.toThrow(/advanceTime must be true, false or a number of ms from 0 to 315360000000, got "5000"/);
      await expect(t.tester.drain({ advanceTime: Number.POSITIVE_INFINITY })).rejects.toThrow(/got Infinity/);
      await expect(t.tester.runNext({ queu: 'x' } as never)).rejects.toThrow(/runNext: unknown option 'queu'/);
      expect(() => t.tester.advanceTime('10' as never)).toThrow(/advanceTime: ms must be a number of ms from 0 to 315360000000, got "10"/);
      expect(() => t.tester.advanceTime(-1)).toThrow(InvalidTaskOptionsError);
      // Past a task's longest delay the clock would leave the dates a delay can be added to.
      expect(() => t.tester.advanceTime(1e20)).toThrow(/got 100000000000000000000/);
      expect(() => t.tester.advanceTime(Number.NaN)).toThrow(/got NaN/);
      expect(() => t.tester.enqueued(5 as never)).toThrow(/enqueued: give a task name or a definition \(or nothing for every task\), got 5/);
      await expect(t.tester.fireSchedule('nope')).rejects.toThrow(InvalidTaskOptionsError);
    } finally {
      await t.close();
    }
  });
});

describe('the test mode on real timers', () => {
  it('drain() and runNext() wait for delayed tasks instead of stopping', async () => {
    const t = await startTestingApp([Steps], { mode: 'fake', timers: 'real' });
    try {
      const first = await t.queue.enqueue('step.run', { n: 1 }, { delay: 150 });
      const started = Date.now();
      const report = await t.tester.drain();
      expect(report.attempts).toBe(1);
      expect(report.advancedMs).toBeGreaterThanOrEqual(100);
      expect(Date.now() - started).toBeGreaterThanOrEqual(100);
      expect(await t.queue.get(first)).toMatchObject({ state: 'completed' });
      await t.queue.enqueue('step.run', { n: 2 }, { delay: 100 });
      expect(await t.tester.runNext()).toMatchObject({ state: 'completed', result: 2 });
      // advanceTime: false runs only what is due now.
      await t.queue.enqueue('step.run', { n: 3 }, { delay: 60_000 });
      expect(await t.tester.drain({ advanceTime: false })).toEqual({ attempts: 0, advancedMs: 0 });
    } finally {
      await t.close();
    }
  });
});

describe('the test mode with worker: false', () => {
  it.each(['fake', 'inline'] as const)('runs nothing in %s mode, as a producer-only app', async (mode) => {
    const t = await startTestingApp([Steps], { mode, worker: false });
    try {
      const ref = await t.queue.enqueue('step.run', { n: 1 });
      expect(await t.tester.drain()).toEqual({ attempts: 0, advancedMs: 0 });
      expect(await t.tester.runNext()).toBeNull();
      expect(await t.queue.get(ref)).toMatchObject({ state: 'waiting' });
      expect(t.tester.enqueued('step.run')).toHaveLength(1);
    } finally {
      await t.close();
    }
  });
});

describe('drain on a rate-limited queue', () => {
  it('moves the clock only while tasks wait for the window', async () => {
    const t = await startTestingApp([Steps], { mode: 'fake', queues: { default: { rateLimit: { max: 1, perMs: 1_000 } } } });
    try {
      await t.queue.enqueue('step.run', { n: 1 });
      expect(await t.tester.drain()).toEqual({ attempts: 1, advancedMs: 0 });
      t.tester.advanceTime(1_000);
      for (const n of [1, 2, 3]) await t.queue.enqueue('step.run', { n });
      // Starts at +0, +1000 and +2000: two windows waited for, none after the last.
      expect(await t.tester.drain()).toEqual({ attempts: 3, advancedMs: 2_000 });
    } finally {
      await t.close();
    }
  });
});
