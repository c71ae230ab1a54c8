import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TaskHandler, TaskModule, TaskQueue } from '../../lib/index.js';
import { useStoredQueue } from '../fixtures/stored-queue.js';
import { CapturingLogger } from '../utils/capturing-logger.js';
import { TEST_CONNECTION } from '../utils/redis.js';
import { deleteStoredPayload, deleteStoredRecord, overwriteStoredPayload } from '../utils/stored-payload.js';
import { waitUntil } from '../utils/wait.js';

// 1,000 unreadable entries (records deleted, payloads deleted, payloads that
// are not JSON, as an eviction or a hand edit leaves them) queued ahead of 100
// real tasks: a fetch moves them out of the way and keeps fetching at once, so
// the real tasks start within a second, not after a 5 s idle check per batch.
const BROKEN = 1_000;
const REAL = 100;

@Injectable()
class RealTasks {
  readonly startedAt: number[] = [];

  @TaskHandler('real.work')
  work() {
    this.startedAt.push(Date.now());
  }
}

describe('a fetch that meets unreadable entries', () => {
  const q = useStoredQueue('broken');

  it('moves them out of the way and starts the real tasks behind them within a second', async () => {
    const broken = await q.producer.queue.enqueueMany(Array.from({ length: BROKEN }, (_, n) => ({ name: 'real.work', payload: { n } })));
    const real = await q.producer.queue.enqueueMany(Array.from({ length: REAL }, (_, n) => ({ name: 'real.work', payload: { n } })));
    const noRecord = broken.slice(0, 400).map((r) => r.id);
    const noPayload = broken.slice(400, 700).map((r) => r.id);
    const badJson = broken.slice(700).map((r) => r.id);
    for (const id of noRecord) await deleteStoredRecord(q.redis, q.keys, id);
    for (const id of noPayload) await deleteStoredPayload(q.redis, q.keys, id);
    for (const id of badJson) await overwriteStoredPayload(q.redis, q.keys, id, '{"unfinished": ');

    const logger = new CapturingLogger();
    const moduleRef = await Test.createTestingModule({
      imports: [TaskModule.forRoot({ connection: TEST_CONNECTION, prefix: q.prefix, worker: { concurrency: 5, leaseMs: 5_000, shutdownGraceMs: 1_000 } })],
      providers: [RealTasks],
    }).compile();
    moduleRef.useLogger(logger);
    const startedAt = Date.now();
    const app = await moduleRef.init();
    try {
      const tasks = app.get(RealTasks);
      const queue = app.get(TaskQueue);
      await waitUntil(() => tasks.startedAt.length === REAL, 'the real tasks to start', 15_000);
      const tookMs = Math.max(...tasks.startedAt) - startedAt;
      process.stdout.write(`broken-entries: ${REAL} real tasks behind ${BROKEN} broken entries all started ${tookMs} ms after the worker app began to start\n`);
      // The goal is one second; the bound is generous for a loaded 2-core machine, whose Nest bootstrap
      // counts here too (the old code took minutes).
      expect(tookMs).toBeLessThan(8_000);
      await Promise.all(real.map((ref) => queue.waitFor(ref, { timeout: 10_000 })));

      // Those with a record are dead with a clear error; those without are gone from every set.
      const counts = await queue.counts();
      expect(counts).toMatchObject({ waiting: 0, active: 0, completed: REAL, dead: noPayload.length + badJson.length });
      expect((await queue.get(noPayload[0]))?.error?.message).toMatch(/record is broken/);
      expect((await queue.get(badJson[0]))?.error?.message).toMatch(/payload is not valid JSON/);
      expect(await queue.get(noRecord[0])).toBeNull();
      expect(await q.redis.zscore(q.keys.wait, noRecord[0])).toBeNull();
      expect(await q.redis.lpos(q.keys.waitList, noRecord[0])).toBeNull();
      // Reported in a few summary lines, not a thousand.
      const brokenLines = logger.lines.filter((l) => l.startsWith('warn') && l.includes('had no usable record or payload'));
      expect(brokenLines.length).toBeGreaterThan(0);
      expect(brokenLines.length).toBeLessThanOrEqual(20);
      expect(brokenLines.join('\n')).toContain(noRecord[0]);
    } finally {
      await app.close();
    }
  });
});
