/** The few operations every benchmarked library is driven through, so one scenario runs them all alike. */

/** The task payload: small JSON of about 100 bytes, the same for every library. */
export interface BenchPayload {
  orderId: string;
  customer: string;
  amountCents: number;
  items: string[];
  /** Epoch ms (sub-ms precision) the scenario attaches for latency rows: sent time or due time. */
  at: number;
}

export function makePayload(i: number, at = 0): BenchPayload {
  return { orderId: `ORD-${String(i).padStart(8, '0')}`, customer: `cust-${i % 10_000}`, amountCents: 4200 + (i % 100), items: ['sku-1', 'sku-22'], at };
}

/** What happens to a completed task: removed at once, or each library's default retention. */
export type Retention = 'removed' | 'default';

export interface SessionOptions {
  redisUrl: string;
  /** The bench-only key prefix of this run; the orchestrator deletes its keys afterwards. */
  prefix: string;
  retention: Retention;
  /** The worker must activate delayed tasks (bee-queue only does it when asked). */
  delayed?: boolean;
}

export interface WorkerSettings {
  concurrency: number;
  /** Called by the no-op handler with the task's payload when the task starts. */
  onTask: (payload: BenchPayload) => void;
}

/** A producer connected to one queue, plus (after startWorker) one worker in this process. */
export interface BenchSession {
  /** Adds one task; with delayMs > 0, a delayed task. */
  enqueue(payload: BenchPayload, delayMs?: number): Promise<void>;
  /** Adds a batch with the library's bulk call (enqueueMany / addBulk / saveAll). */
  enqueueBatch(payloads: BenchPayload[]): Promise<void>;
  /** Starts the worker; resolves once it is connected. */
  startWorker(settings: WorkerSettings): Promise<void>;
  /** Stops the worker (if any) and closes every connection. */
  close(): Promise<void>;
}

export interface LibraryAdapter {
  open(options: SessionOptions): Promise<BenchSession>;
}

/** ioredis-style options from a redis:// URL, for libraries that take options rather than a URL. */
export function redisOptionsFromUrl(redisUrl: string): { host: string; port: number; username?: string; password?: string; db: number } {
  const url = new URL(redisUrl);
  return {
    host: url.hostname || '127.0.0.1',
    port: Number(url.port || 6379),
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: Number(url.pathname.slice(1) || 0),
  };
}
