import { ownRedis, type OwnRedis } from '../fixtures/child-processes.js';
import { startDashboardApp, type DashboardApp } from '../fixtures/dashboard-app.js';
import { waitUntil } from '../utils/wait.js';

// The dashboard against a redis-server of its own that first stops answering
// (frozen with SIGSTOP: its connections stay open, nothing replies), then
// comes back, then is gone. A request waits a bounded time and says why; it
// never hangs, nor answers a bare 500.

describe('the dashboard when Redis does not answer', () => {
  let redis: OwnRedis;
  let dashboard: DashboardApp;
  beforeAll(async () => {
    redis = await ownRedis();
    await redis.start();
    dashboard = await startDashboardApp({ adapter: 'express', prefix: 'dash-unanswered', worker: false, connection: redis.url });
  });
  afterAll(async () => {
    redis?.thaw();
    await dashboard?.close();
    await redis?.destroy();
  });

  const overview = () => fetch(`${dashboard.origin}/tasks/api/overview`, { signal: AbortSignal.timeout(60_000) });

  it('answers 503 with the reason while Redis is frozen, 200 once it answers again, and 503 with the store error once it is gone', async () => {
    await dashboard.tasks.enqueue('demo.ok', { n: 1 });
    expect((await overview()).status).toBe(200);

    redis.freeze();
    const frozen = await overview();
    expect(frozen.status).toBe(503);
    expect(((await frozen.json()) as { message: string }).message).toBe('Redis did not answer within 10 s; the page tries again by itself');
    // Error replies carry the dashboard's headers too.
    expect(frozen.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(frozen.headers.get('cache-control')).toBe('no-store');
    // An action is not sent again by the page, and Redis may still carry it out once it goes on.
    const token = /data-token="([^"]+)"/.exec(await (await fetch(`${dashboard.origin}/tasks`)).text())![1]!;
    const pause = await fetch(`${dashboard.origin}/tasks/api/queues/demo/pause`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': token },
      body: '{}',
      signal: AbortSignal.timeout(60_000),
    });
    expect(pause.status).toBe(503);
    expect(((await pause.json()) as { message: string }).message).toBe('Redis did not answer within 10 s; Redis may still carry the action out: look before doing it again');

    redis.thaw();
    await waitUntil(async () => (await overview()).status === 200, 'the dashboard to answer again', 20_000);
    // It did.
    expect((await dashboard.tasks.counts('demo')).paused).toBe(true);

    await redis.stop();
    const gone = await overview();
    expect(gone.status).toBe(503);
    expect(((await gone.json()) as { message: string }).message).toMatch(new RegExp(`Redis at 127\\.0\\.0\\.1:${redis.port} is unreachable`));
  }, 120_000);
});
