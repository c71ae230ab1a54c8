import type { Logger } from '@nestjs/common';
import type { TaskEngine } from '../../../lib/engine/task-engine.js';
import { TaskStoreError } from '../../../lib/errors/task-store.error.js';
import { WorkerHeartbeat } from '../../../lib/worker/worker-heartbeat.js';
import { waitUntil } from '../../utils/wait.js';

// The heartbeat logs one warning when it starts failing and one when it works
// again, at the same level, whatever the number of beats in between.

/** A heartbeat over a stand-in store, with every warning it logs. */
function heartbeatOver(store: { heartbeat: () => Promise<void>; retireWorker?: () => Promise<void> }, ttlMs: number) {
  const engine = { retireWorker: async () => undefined, ...store } as unknown as TaskEngine;
  const lines: string[] = [];
  const logger = { warn: (m: string) => lines.push(m) } as unknown as Logger;
  return { heartbeat: new WorkerHeartbeat(engine, 'w1', ttlMs, () => [], logger), lines };
}

describe('WorkerHeartbeat', () => {
  it('warns once when beats start failing, and once when they work again', async () => {
    let failing = false;
    let beats = 0;
    // A ttl of 150 ms: a beat every 50 ms.
    const { heartbeat, lines } = heartbeatOver({
      heartbeat: async () => {
        beats += 1;
        if (failing) throw new Error('worker heartbeat failed: Redis said OOM');
      },
    }, 150);
    await heartbeat.start();
    try {
      failing = true;
      const from = beats;
      await waitUntil(() => beats >= from + 3, 'three failed beats');
      expect(lines).toEqual(['worker heartbeat failed: Redis said OOM; the worker heartbeat will retry']);
      failing = false;
      await waitUntil(() => lines.length === 2, 'the end line');
      expect(lines[1]).toBe('worker heartbeat works again');
      const after = beats;
      await waitUntil(() => beats >= after + 2, 'two more beats');
      expect(lines).toHaveLength(2);
    } finally {
      await heartbeat.stop();
    }
  });

  it('says once that Redis does not answer when a beat is out for a whole interval, and once when it answers again', async () => {
    let hold: Promise<void> | null = null;
    let answer: () => void = () => undefined;
    // A ttl of 150 ms: a beat every 50 ms.
    const { heartbeat, lines } = heartbeatOver({ heartbeat: () => hold ?? Promise.resolve() }, 150);
    await heartbeat.start();
    try {
      hold = new Promise<void>((resolve) => (answer = resolve));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(lines).toEqual([expect.stringMatching(/^Redis has not answered the worker heartbeat for \d+ ms: it may be stalled .*connection\.commandTimeout bounds each call$/)]);
      hold = null;
      answer();
      await waitUntil(() => lines.length === 2, 'the end line');
      expect(lines[1]).toMatch(/^Redis answered the worker heartbeat again, after \d+ ms$/);
    } finally {
      await heartbeat.stop();
    }
  });

  it('does not say Redis answered when a stalled beat ends in a failure, nor repeat the stall line while beats keep timing out', async () => {
    // Each beat waits 120 ms then fails, as with a commandTimeout on a Redis that does not answer: before, the
    // log alternated "has not answered" and "answered again" at every beat for the whole outage.
    let timingOut = false;
    const { heartbeat, lines } = heartbeatOver({
      heartbeat: () =>
        timingOut ? new Promise((_, reject) => setTimeout(() => reject(new Error('worker heartbeat failed: Command timed out')), 120)) : Promise.resolve(),
    }, 150);
    await heartbeat.start();
    timingOut = true;
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(lines.filter((l) => l.includes('answered the worker heartbeat again'))).toEqual([]);
      // The first beat's stall (before anything failed), then its failure, once; nothing more over six more beats.
      expect(lines).toEqual([
        expect.stringMatching(/^Redis has not answered the worker heartbeat for \d+ ms/),
        'worker heartbeat failed: Command timed out; the worker heartbeat will retry',
      ]);
    } finally {
      await heartbeat.stop();
    }
  });

  it('stops within a second when Redis never answers the removal of its record (stalled, no commandTimeout)', async () => {
    const { heartbeat } = heartbeatOver({ heartbeat: async () => undefined, retireWorker: () => new Promise<void>(() => undefined) }, 3_000);
    await heartbeat.start();
    const startedAt = Date.now();
    await heartbeat.stop();
    const took = Date.now() - startedAt;
    expect(took).toBeGreaterThanOrEqual(900);
    expect(took).toBeLessThan(5_000);
  });

  it('starts on a Redis out of memory and beats every second until a beat gets through, not at its interval', async () => {
    let refusals = 2;
    let beats = 0;
    // A ttl of 60 s: its interval is 20 s, far beyond this test's wait.
    const { heartbeat, lines } = heartbeatOver({
      heartbeat: async () => {
        beats += 1;
        if (refusals-- > 0) throw new TaskStoreError('worker heartbeat failed: Redis is out of memory', 'out-of-memory');
      },
    }, 60_000);
    await heartbeat.start();
    try {
      await waitUntil(() => lines.length === 2, 'the beat to get through', 5_000);
      expect(beats).toBe(3);
      expect(lines).toEqual([
        'worker heartbeat failed: Redis is out of memory; the worker starts anyway (finishing tasks frees memory), and the heartbeat will retry',
        'worker heartbeat works again',
      ]);
    } finally {
      await heartbeat.stop();
    }
  });

  it('lets a beat on its way land before it retires the record, so a stopped worker is not listed again', async () => {
    const order: string[] = [];
    let release = () => {};
    let calls = 0;
    const { heartbeat } = heartbeatOver({
      heartbeat: async () => {
        calls += 1;
        if (calls === 1) return;
        order.push('beat sent');
        await new Promise<void>((resolve) => (release = resolve));
        order.push('beat stored');
      },
      retireWorker: async () => void order.push('retired'),
    }, 150);
    await heartbeat.start();
    await waitUntil(() => order.includes('beat sent'), 'a beat on its way');
    const stopped = heartbeat.stop();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(order).toEqual(['beat sent']);
    release();
    await stopped;
    expect(order).toEqual(['beat sent', 'beat stored', 'retired']);
  });
});
