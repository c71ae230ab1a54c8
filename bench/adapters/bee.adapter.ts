import BeeQueue from 'bee-queue';
import type { BenchPayload, BenchSession, LibraryAdapter, SessionOptions, WorkerSettings } from './library-adapter.js';

/**
 * bee-queue: a producer Queue set up as its README advises for producers
 * (isWorker, getEvents and storeJobs off), and a worker Queue with default
 * settings except the retention the row asks for and, for delayed rows,
 * activateDelayedJobs (off by default, and delayed jobs never run without it).
 */
const QUEUE = 'bench';

class BeeSession implements BenchSession {
  private worker: BeeQueue<BenchPayload> | null = null;

  constructor(private readonly producer: BeeQueue<BenchPayload>, private readonly options: SessionOptions) {}

  async enqueue(payload: BenchPayload, delayMs = 0): Promise<void> {
    const job = this.producer.createJob(payload);
    if (delayMs > 0) job.delayUntil(Date.now() + delayMs);
    await job.save();
  }

  async enqueueBatch(payloads: BenchPayload[]): Promise<void> {
    const errors = await this.producer.saveAll(payloads.map((payload) => this.producer.createJob(payload)));
    if (errors.size > 0) throw new Error(`bee-queue saveAll: ${errors.size} jobs failed (${[...errors.values()][0]?.message})`);
  }

  async startWorker(settings: WorkerSettings): Promise<void> {
    const worker = new BeeQueue<BenchPayload>(QUEUE, {
      prefix: this.options.prefix,
      redis: { url: this.options.redisUrl },
      removeOnSuccess: this.options.retention === 'removed',
      activateDelayedJobs: this.options.delayed === true,
    });
    worker.on('error', (error) => process.stderr.write(`bee-queue worker error: ${error.message}\n`));
    worker.process(settings.concurrency, async (job: BeeQueue.Job<BenchPayload>) => {
      settings.onTask(job.data);
    });
    this.worker = worker;
    await worker.ready();
  }

  async close(): Promise<void> {
    await this.worker?.close(10_000);
    await this.producer.close(10_000);
  }
}

export const beeAdapter: LibraryAdapter = {
  async open(options) {
    const producer = new BeeQueue<BenchPayload>(QUEUE, {
      prefix: options.prefix,
      redis: { url: options.redisUrl },
      isWorker: false,
      getEvents: false,
      storeJobs: false,
    });
    await producer.ready();
    return new BeeSession(producer, options);
  },
};
