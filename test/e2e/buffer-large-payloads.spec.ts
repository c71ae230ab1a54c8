import { Injectable } from '@nestjs/common';
import { TaskHandler } from '../../lib/index.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';
import { waitUntil } from '../utils/wait.js';

// A worker whose handlers are quick leases tasks ahead of its free slots, by how much work they are. With
// large payloads that was up to 64 tasks of them held in memory (70 tasks of 20 MB, 1.7 GB of heap): the
// tasks leased ahead now hold about 8 MiB of payloads. Here 2 MB payloads, concurrency 2: 2 running and
// about 4 ahead, where before it was 2 and up to 64.

@Injectable()
class DocTasks {
  readonly seen: number[] = [];
  @TaskHandler('doc.quick', { queue: 'docs' })
  quick(payload: { n: number; blob: string }) {
    if (payload.blob.length !== 2_000_000) throw new Error(`payload ${payload.n} arrived cut`);
    this.seen.push(payload.n);
  }
}

describe('tasks leased ahead with large payloads', () => {
  const prefix = uniquePrefix('buffer-large');
  let producer: TaskApp;
  let worker: TaskApp | undefined;
  afterAll(async () => {
    await worker?.close();
    await producer?.close();
    await removePrefix(prefix);
  });

  it('hold about 8 MiB of payloads ahead of the running ones, and every task runs once', async () => {
    producer = await startTaskApp(prefix, [], { worker: false, maxPayloadBytes: 3_000_000 });
    const blob = 'x'.repeat(2_000_000);
    for (let from = 0; from < 40; from += 10) {
      await producer.queue.enqueueMany(Array.from({ length: 10 }, (_, i) => ({ name: 'doc.quick', payload: { n: from + i, blob }, options: { queue: 'docs' } })));
    }
    worker = await startTaskApp(prefix, [DocTasks], { worker: { concurrency: 2, leaseMs: 10_000, shutdownGraceMs: 2_000 }, maxPayloadBytes: 3_000_000 });
    const tasks = worker.get(DocTasks);
    let mostLeased = 0;
    await waitUntil(async () => {
      mostLeased = Math.max(mostLeased, (await producer.queue.counts('docs')).active);
      return tasks.seen.length === 40;
    }, 'the 40 tasks to run', 30_000, 2);
    expect([...tasks.seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, n) => n));
    // 2 running and 8 MiB / 2 MB = 4 ahead; a sample can fall between a fetch and the settle before it.
    expect(mostLeased).toBeGreaterThan(0);
    expect(mostLeased).toBeLessThanOrEqual(2 + 4 + 2);
  });
});
