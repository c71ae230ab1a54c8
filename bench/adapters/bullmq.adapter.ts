import { Queue, Worker } from 'bullmq';
import { redisOptionsFromUrl, type BenchPayload, type BenchSession, type LibraryAdapter, type SessionOptions, type WorkerSettings } from './library-adapter.js';

/**
 * BullMQ in its fastest form: a bare Queue and Worker (no Nest), default
 * settings except the retention the row asks for.
 */
const QUEUE = 'bench';
const JOB_NAME = 'bench.noop';

class BullmqSession implements BenchSession {
  private worker: Worker | null = null;

  constructor(private readonly queue: Queue, private readonly options: SessionOptions) {}

  async enqueue(payload: BenchPayload, delayMs = 0): Promise<void> {
    await this.queue.add(JOB_NAME, payload, delayMs > 0 ? { delay: delayMs } : undefined);
  }

  async enqueueBatch(payloads: BenchPayload[]): Promise<void> {
    await this.queue.addBulk(payloads.map((data) => ({ name: JOB_NAME, data })));
  }

  async startWorker(settings: WorkerSettings): Promise<void> {
    this.worker = new Worker(
      QUEUE,
      async (job) => {
        settings.onTask(job.data as BenchPayload);
      },
      { connection: redisOptionsFromUrl(this.options.redisUrl), prefix: this.options.prefix, concurrency: settings.concurrency },
    );
    this.worker.on('error', (error) => process.stderr.write(`bullmq worker error: ${error.message}\n`));
    await this.worker.waitUntilReady();
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
  }
}

export const bullmqAdapter: LibraryAdapter = {
  async open(options) {
    const queue = new Queue(QUEUE, {
      connection: redisOptionsFromUrl(options.redisUrl),
      prefix: options.prefix,
      // Job option, as the issue states it; the default keeps every completed job.
      defaultJobOptions: options.retention === 'removed' ? { removeOnComplete: true } : {},
    });
    await queue.waitUntilReady();
    return new BullmqSession(queue, options);
  },
};
