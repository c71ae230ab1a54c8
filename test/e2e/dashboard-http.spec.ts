import { Injectable, type CanActivate } from '@nestjs/common';
import { get as httpGet, type IncomingHttpHeaders } from 'node:http';
import { InvalidTaskOptionsError } from '../../lib/index.js';
import { TaskDashboardModule } from '../../lib/dashboard/index.js';
import { startDashboardApp, type AdapterName, type DashboardApp } from '../fixtures/dashboard-app.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';
import { waitUntil } from '../utils/wait.js';

// The dashboard's HTTP surface on both adapters, without a browser: headers,
// the CSRF and read-only refusals, guards, and the JSON the page reads.

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

@Injectable()
class DenyAll implements CanActivate {
  canActivate(): boolean {
    return false;
  }
}

const tokenOf = (html: string) => /data-token="([^"]+)"/.exec(html)![1];

/** A GET with a Host header of the test's choosing (fetch may not set one), as a browser sends for the name it resolved. */
function hostGet(origin: string, path: string, host: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const request = httpGet(`${origin}${path}`, { headers: { ...headers, host } }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body, headers: response.headers }));
    });
    request.on('error', reject);
  });
}

describe.each<AdapterName>(['express', 'fastify'])('the dashboard over HTTP on %s', (adapter) => {
  const opened: Array<{ app: DashboardApp; prefix: string }> = [];
  const open = async (
    options: { readOnly?: boolean; guards?: CanActivate[] | Array<new () => CanActivate>; cors?: boolean | Record<string, unknown>; allowedHosts?: string[] } = {},
  ) => {
    const prefix = uniquePrefix(`dash-${adapter}`);
    const app = await startDashboardApp({ adapter, prefix, ...options });
    opened.push({ app, prefix });
    return app;
  };
  afterEach(async () => {
    for (const { app, prefix } of opened.splice(0)) {
      await app.close();
      await removePrefix(prefix);
    }
  });

  it('serves the page and its assets with a strict CSP, and the API with the counts TaskQueue reports', async () => {
    const { origin, tasks } = await open();
    const page = await fetch(`${origin}/tasks`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toBe(CSP);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await page.text();
    // Relative to the page's own URL, so a proxy may put it under any prefix.
    expect(html).toContain('src="tasks/assets/dashboard.js"');
    expect(html).not.toMatch(/<script>|<style>|style="/);
    // The trailing-slash form is the same page (Fastify tells the two apart; Express does not), its URLs one level down.
    const slashed = await fetch(`${origin}/tasks/`);
    expect(slashed.status).toBe(200);
    expect(slashed.headers.get('content-security-policy')).toBe(CSP);
    const slashedHtml = await slashed.text();
    expect(slashedHtml).toContain('src="assets/dashboard.js"');
    expect(slashedHtml).toContain('data-base=""');
    const script = await fetch(`${origin}/tasks/assets/dashboard.js`);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(script.headers.get('content-security-policy')).toBe(CSP);
    expect((await script.text()).length).toBeGreaterThan(1_000);
    expect((await fetch(`${origin}/tasks/assets/dashboard.css`)).headers.get('content-type')).toMatch(/^text\/css/);

    await tasks.pause('demo');
    await tasks.enqueueMany([1, 2, 3].map((n) => ({ name: 'demo.ok', payload: { n } })));
    const overview = (await (await fetch(`${origin}/tasks/api/overview`)).json()) as { queues: Array<{ name: string; counts: unknown }>; throughput: unknown[] };
    expect(overview.queues).toContainEqual({ name: 'demo', counts: await tasks.counts('demo') });
    expect(overview.throughput).toHaveLength(60);
    const page1 = (await (await fetch(`${origin}/tasks/api/queues/demo?state=waiting&limit=2`)).json()) as { tasks: Array<{ name: string }> };
    expect(page1.tasks.map((t) => t.name)).toEqual(['demo.ok', 'demo.ok']);
    const bad = await fetch(`${origin}/tasks/api/queues/demo?state=bogus`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toContain('state must be one of');
    const typo = await fetch(`${origin}/tasks/api/queues/demo?state=waiting&limt=2`);
    expect(typo.status).toBe(400);
    expect(((await typo.json()) as { message: string }).message).toBe("unknown query parameter 'limt' (known: state, offset, limit, name, order)");
    expect((await fetch(`${origin}/tasks/api/queues/demo/tasks/nope`)).status).toBe(404);
  });

  it.each<[string, boolean | Record<string, unknown>]>([
    ['the defaults', true],
    // Any origin with credentials; on Fastify, set in a hook after the route (as @fastify/cors allows).
    ['credentials, set late', { origin: true, credentials: true, exposedHeaders: ['x-total'], ...(adapter === 'fastify' && { hook: 'preSerialization' }) }],
  ])("keeps an app-wide CORS policy (%s) off its routes, so another origin cannot read the page's token", async (_label, cors) => {
    const { origin } = await open({ cors });
    const from = { origin: 'http://evil.example' };
    // The app's own routes would carry Access-Control-Allow-Origin: *; the dashboard's page, API, assets and errors do not.
    for (const path of ['/tasks', '/tasks/api/overview', '/tasks/assets/dashboard.js', '/tasks/api/queues/demo/tasks/nope']) {
      const response = await fetch(`${origin}${path}`, { headers: from });
      const cors = ['access-control-allow-origin', 'access-control-allow-credentials', 'access-control-expose-headers'].filter((name) => response.headers.has(name));
      expect({ path, cors }).toEqual({ path, cors: [] });
      expect(response.headers.get('content-security-policy')).toBe(CSP);
    }
    const refused = await fetch(`${origin}/tasks/api/queues/demo/pause`, { method: 'POST', headers: { ...from, 'content-type': 'application/json' }, body: '{}' });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers only for its allowedHosts, by the Host the browser sent, whatever X-Forwarded-Host says', async () => {
    const { origin } = await open({ allowedHosts: ['127.0.0.1', '.tasks.example'] });
    const port = new URL(origin).port;
    expect((await fetch(`${origin}/tasks`)).status).toBe(200);
    for (const host of ['tasks.example', `ops.tasks.example:${port}`, 'Tasks.Example.']) expect([host, (await hostGet(origin, '/tasks/api/overview', host)).status]).toEqual([host, 200]);
    // A rebinding website's name, for the page and the API, even when the page claims another host.
    for (const [path, headers] of [
      ['/tasks', {}],
      ['/tasks/api/overview', {}],
      ['/tasks/api/overview', { 'x-forwarded-host': '127.0.0.1' }],
    ] as const) {
      const refused = await hostGet(origin, path, `evil.test:${port}`, headers);
      expect([path, refused.status]).toEqual([path, 403]);
      expect(refused.body).toContain("this dashboard answers only for its allowedHosts (127.0.0.1, .tasks.example); the request named host 'evil.test'");
      expect(refused.headers['content-security-policy']).toBe(CSP);
    }
    expect((await hostGet(origin, '/tasks', 'badtasks.example')).status).toBe(403);
  });

  it('answers 404 for a queue the prefix does not know, and a queue action on one makes nothing', async () => {
    const { origin, tasks } = await open();
    await tasks.enqueue('demo.ok', { n: 1 });
    const token = tokenOf(await (await fetch(`${origin}/tasks`)).text());
    const page = await fetch(`${origin}/tasks/api/queues/demmo?state=waiting`);
    expect(page.status).toBe(404);
    expect(((await page.json()) as { message: string }).message).toBe("no queue 'demmo' under this prefix (known: demo)");
    for (const action of ['pause', 'resume', 'drain', 'retry-dead']) {
      const post = await fetch(`${origin}/tasks/api/queues/demmo/${action}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': token }, body: '{}' });
      expect([action, post.status]).toEqual([action, 404]);
    }
    expect(await tasks.queues()).toEqual(['demo']);
    expect((await tasks.counts('demmo')).paused).toBe(false);
  });

  it('refuses a POST without the token or from another origin, and runs one from the page', async () => {
    const { origin, tasks } = await open();
    const token = tokenOf(await (await fetch(`${origin}/tasks`)).text());
    const post = (headers: Record<string, string>) => fetch(`${origin}/tasks/api/queues/demo/pause`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' });

    const missing = await post({});
    expect(missing.status).toBe(403);
    expect(((await missing.json()) as { message: string }).message).toContain('x-csrf-token');
    const wrong = await post({ 'x-csrf-token': `${token}x` });
    expect(wrong.status).toBe(403);
    expect(((await wrong.json()) as { token?: string }).token).toBeUndefined();
    // From the page's origin (a page loaded before a restart): refused, and told the token to retry with.
    const stale = await post({ 'x-csrf-token': 'x'.repeat(token.length), origin });
    expect(stale.status).toBe(403);
    expect(((await stale.json()) as { token?: string }).token).toBe(token);
    const crossOrigin = await post({ 'x-csrf-token': token, origin: 'https://evil.example' });
    expect(crossOrigin.status).toBe(403);
    expect(((await crossOrigin.json()) as { message: string }).message).toContain('cross-origin');
    expect((await tasks.counts('demo')).paused).toBe(false);

    // A browser's Sec-Fetch-Site decides when it is sent: not the page's own origin is refused, whatever Origin and Host say.
    for (const site of ['cross-site', 'same-site', 'none']) {
      const refused = await post({ 'x-csrf-token': token, origin, 'sec-fetch-site': site });
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as { message: string }).message).toBe(`cross-site action refused (Sec-Fetch-Site: ${site})`);
    }
    expect((await tasks.counts('demo')).paused).toBe(false);

    const ok = await post({ 'x-csrf-token': token, origin });
    expect(ok.status).toBe(200);
    expect((await tasks.counts('demo')).paused).toBe(true);
    // Behind a proxy that rewrites Host (nginx's default), Origin names the proxy: the browser's word that it is the page's own origin counts.
    const proxied = await fetch(`${origin}/tasks/api/queues/demo/resume`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': token, origin: 'https://ops.example', 'sec-fetch-site': 'same-origin' },
      body: '{}',
    });
    expect(proxied.status).toBe(200);
    expect((await tasks.counts('demo')).paused).toBe(false);
  });

  it('lists finished tasks newest first on request, the pages meeting without overlap or gap, and refuses an unknown order', async () => {
    const { origin, tasks } = await open();
    // One after another, so they finish in order.
    for (let n = 0; n < 7; n++) await tasks.waitFor(await tasks.enqueue('demo.ok', { n }), { timeout: 10_000 });
    const oldest = (await tasks.list('completed', { queue: 'demo', limit: 100 })).map((t) => t.id);
    expect(oldest).toHaveLength(7);
    const pageOf = async (offset: number) =>
      (await (await fetch(`${origin}/tasks/api/queues/demo?state=completed&order=newest&limit=3&offset=${offset}`)).json()) as { order: string; tasks: Array<{ id: string }> };
    const pages = await Promise.all([0, 3, 6, 9].map(pageOf));
    expect(pages.map((p) => p.tasks.length)).toEqual([3, 3, 1, 0]);
    expect(pages[0].order).toBe('newest');
    expect(pages.flatMap((p) => p.tasks.map((t) => t.id))).toEqual([...oldest].reverse());
    const bad = await fetch(`${origin}/tasks/api/queues/demo?state=completed&order=latest`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toBe("order must be 'oldest' or 'newest', got 'latest'");
    expect((await fetch(`${origin}/tasks/api/queues/demo?state=completed&order=newest&name=demo.ok`)).status).toBe(400);
  });

  it('retries the dead tasks of one name when retry-dead names it', async () => {
    const { origin, tasks } = await open();
    const token = tokenOf(await (await fetch(`${origin}/tasks`)).text());
    // A dead demo.ok: its dependency was cancelled. A dead demo.flaky: it failed.
    const first = await tasks.enqueue('demo.ok', { n: 1 }, { delay: 600_000 });
    const dependent = await tasks.enqueue('demo.ok', { n: 2 }, { dependsOn: [first] });
    await tasks.cancel(first);
    const flaky = await tasks.enqueue('demo.flaky', { key: `retry-named-${adapter}` });
    await waitUntil(async () => (await tasks.get(flaky))?.state === 'dead' && (await tasks.get(dependent))?.state === 'dead', 'both tasks to be dead');
    const retryDead = (body: unknown) => fetch(`${origin}/tasks/api/queues/demo/retry-dead`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': token }, body: JSON.stringify(body) });
    const bad = await retryDead({ name: '' });
    expect(bad.status).toBe(400);
    const named = await retryDead({ name: 'demo.flaky' });
    expect(await named.json()).toEqual({ retried: 1 });
    await waitUntil(async () => (await tasks.get(flaky))?.state === 'completed', 'the retried task to complete');
    expect((await tasks.get(dependent))?.state).toBe('dead');
  });

  it('in read-only mode marks the page read-only and refuses every action, even with the token', async () => {
    const { origin, tasks } = await open({ readOnly: true });
    const html = await (await fetch(`${origin}/tasks`)).text();
    expect(html).toContain('data-read-only="1"');
    const ref = await tasks.enqueue('demo.ok', { n: 1 }, { delay: 60_000 });
    for (const path of ['queues/demo/pause', 'queues/demo/drain', `queues/demo/tasks/${ref.id}/cancel`]) {
      const response = await fetch(`${origin}/tasks/api/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': tokenOf(html), origin }, body: '{}' });
      expect(response.status).toBe(403);
      expect(((await response.json()) as { message: string }).message).toContain('read-only');
    }
    expect(await tasks.counts('demo')).toMatchObject({ paused: false, delayed: 1 });
  });

  it("runs the app's guards before every route", async () => {
    const { origin } = await open({ guards: [DenyAll] });
    for (const path of ['', '/assets/dashboard.js', '/api/overview']) {
      const response = await fetch(`${origin}/tasks${path}`);
      expect(response.status).toBe(403);
      // The refusal comes before any interceptor, and still carries the dashboard's headers.
      expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(response.headers.get('x-frame-options')).toBe('DENY');
    }
  });

  it('carries a result up to 256 KiB of JSON, and in place of a larger one says where to read it', async () => {
    const { origin, tasks } = await open();
    const small = await tasks.enqueue('demo.large', { chars: 1_000 });
    const large = await tasks.enqueue('demo.large', { chars: 300_000 });
    await waitUntil(async () => (await tasks.get(large))?.state === 'completed' && (await tasks.get(small))?.state === 'completed', 'both tasks to complete');
    const viewOf = async (id: string) => (await (await fetch(`${origin}/tasks/api/queues/demo/tasks/${id}`)).json()) as { task: { result: unknown; progress: unknown } };
    const shown = await viewOf(small.id);
    expect(shown.task.result).toBe('r'.repeat(1_000));
    expect(shown.task.progress).toEqual({ note: 'p'.repeat(1_000) });
    const cut = await viewOf(large.id);
    const says = (chars: number) => ({
      notShown: `${chars} characters of JSON, more than the dashboard shows (262144); \`nestjs-redis-tasks show ${large.id} --queue demo --json\` or TaskQueue.get() gives it whole`,
    });
    expect(cut.task.result).toEqual(says(300_002));
    expect(cut.task.progress).toEqual({ note: 'p'.repeat(60_000) });
    expect((await tasks.get(large))?.result).toBe('r'.repeat(300_000));
  });

  it("shows a dead task's failed attempt with its error, and retrying it from the API completes it", async () => {
    const { origin, tasks } = await open();
    const token = tokenOf(await (await fetch(`${origin}/tasks`)).text());
    const ref = await tasks.enqueue('demo.flaky', { key: `http-${adapter}` });
    await waitUntil(async () => (await tasks.get(ref))?.state === 'dead', 'the task to die');
    const view = (await (await fetch(`${origin}/tasks/api/queues/demo/tasks/${ref.id}`)).json()) as { history: Array<{ outcome: string; error: { message: string; stack: string } }> };
    expect(view.history).toEqual([expect.objectContaining({ outcome: 'dead', error: expect.objectContaining({ message: `payment gateway timed out for http-${adapter}`, stack: expect.stringContaining('Error') }) })]);
    const retry = await fetch(`${origin}/tasks/api/queues/demo/tasks/${ref.id}/retry`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': token }, body: '{}' });
    expect(await retry.json()).toEqual({ done: true });
    await waitUntil(async () => (await tasks.get(ref))?.state === 'completed', 'the retried task to complete');

    // An action that does nothing says why, with a status the page reports as a failure.
    const act = (id: string, action: string) =>
      fetch(`${origin}/tasks/api/queues/demo/tasks/${id}/${action}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': token }, body: '{}' });
    const again2 = await act(ref.id, 'retry');
    expect(again2.status).toBe(409);
    expect(((await again2.json()) as { message: string }).message).toBe(`task '${ref.id}' is completed now; only dead tasks can be retried`);
    const cancelDone = await act(ref.id, 'cancel');
    expect(cancelDone.status).toBe(409);
    expect(((await cancelDone.json()) as { message: string }).message).toBe(`task '${ref.id}' is completed now; only waiting, delayed or blocked tasks can be cancelled`);
    const unknown = await act('nope', 'retry');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { message: string }).message).toContain("no task 'nope' in queue 'demo'");

    const again = await fetch(`${origin}/tasks/api/queues/demo/tasks/${ref.id}/enqueue-again`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': token }, body: JSON.stringify({ payload: { key: 'edited' } }) });
    const created = (await again.json()) as { id: string; queue: string };
    const noBody = await fetch(`${origin}/tasks/api/queues/demo/tasks/${ref.id}/enqueue-again`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': token }, body: '{}' });
    expect(noBody.status).toBe(400);
    expect(created.queue).toBe('demo');
    expect((await tasks.get(created.id, { queue: 'demo' }))?.payload).toEqual({ key: 'edited' });

    // A delayed task runs now when promoted ("Run now" on its page), once.
    const later = await tasks.enqueue('demo.flaky', { key: `later-${adapter}` }, { delay: 600_000 });
    const promoted = await act(later.id, 'promote');
    expect(promoted.status).toBe(200);
    expect(await promoted.json()).toEqual({ done: true });
    expect((await tasks.get(later))?.state).not.toBe('delayed');
    const promotedAgain = await act(later.id, 'promote');
    expect(promotedAgain.status).toBe(409);
    expect(((await promotedAgain.json()) as { message: string }).message).toMatch(new RegExp(`^task '${later.id}' is (waiting|active|dead|completed) now; only delayed tasks can be promoted$`));

    // A finished task can be removed, once.
    const removed = await act(ref.id, 'remove');
    expect(removed.status).toBe(200);
    expect(await removed.json()).toEqual({ done: true });
    expect(await tasks.get(ref)).toBeNull();
    const removedAgain = await act(ref.id, 'remove');
    expect(removedAgain.status).toBe(404);
  });
});

describe('the schedules the dashboard lists', () => {
  type ScheduleRow = { id: string; every: number; next: number; lastTask: { id: string; state: string } | null };
  type SchedulesPage = { schedules: ScheduleRow[]; total: number };

  it('shows each schedule with its next fire time and its latest task', async () => {
    const prefix = uniquePrefix('dash-schedules');
    const { origin, tasks, close } = await startDashboardApp({ adapter: 'express', prefix });
    try {
      await tasks.schedule('nightly-report', 'demo.ok', { n: 21 }, { every: 300, queue: 'demo' });
      const read = async () => (await (await fetch(`${origin}/tasks/api/schedules`)).json()) as SchedulesPage;
      const { schedules: [listed], total } = await waitUntil(async () => {
        const page = await read();
        return page.schedules[0]?.lastTask?.state === 'completed' ? page : null;
      }, 'an occurrence to complete');
      expect(total).toBe(1);
      expect(listed).toMatchObject({ id: 'nightly-report', every: 300, lastTask: { id: expect.stringMatching(/^nightly-report@\d+$/) } });
      expect((await tasks.get(listed.lastTask!.id, { queue: 'demo' }))?.result).toEqual({ doubled: 42 });
      expect(listed.next).toBeGreaterThan(Number(listed.lastTask!.id.split('@')[1]));
      await tasks.unschedule('nightly-report');
      expect(await read()).toEqual({ schedules: [], total: 0 });
    } finally {
      await close();
      await removePrefix(prefix);
    }
  });

  it('pages them by id, 50 a page unless asked otherwise, and refuses a bad offset or limit naming its range', async () => {
    const prefix = uniquePrefix('dash-schedule-pages');
    const { origin, tasks, close } = await startDashboardApp({ adapter: 'express', prefix, worker: false });
    try {
      const ids = Array.from({ length: 120 }, (_, n) => `s-${String(n).padStart(3, '0')}`);
      // Saved out of order: the page sorts them, not the order they were made in.
      for (const id of [...ids].reverse()) await tasks.schedule(id, 'demo.ok', { n: 1 }, { every: 3_600_000, queue: 'demo' });
      const get = (query: string) => fetch(`${origin}/tasks/api/schedules${query}`);
      const page = async (query: string) => (await (await get(query)).json()) as SchedulesPage;

      // Only the page's schedules have their latest task looked up (the reader's TaskQueue is this one).
      const lookups = jest.spyOn(tasks, 'get');
      const first = await page('');
      expect(lookups).toHaveBeenCalledTimes(50);
      lookups.mockRestore();
      expect(first.total).toBe(120);
      expect(first.schedules.map((s) => s.id)).toEqual(ids.slice(0, 50));
      expect((await page('?offset=50')).schedules.map((s) => s.id)).toEqual(ids.slice(50, 100));
      const last = await page('?offset=100');
      expect(last).toMatchObject({ total: 120 });
      expect(last.schedules.map((s) => s.id)).toEqual(ids.slice(100));
      expect((await page('?offset=10&limit=3')).schedules.map((s) => s.id)).toEqual(ids.slice(10, 13));
      expect((await page('?offset=200&limit=200')).schedules).toEqual([]);
      expect(await page('?offset=500')).toEqual({ schedules: [], total: 120 });

      const refused: Array<[string, string]> = [
        ['?limit=0', "limit must be a whole number from 1 to 200, got '0'"],
        ['?limit=201', "limit must be a whole number from 1 to 200, got '201'"],
        ['?limit=ten', "limit must be a whole number, got 'ten'"],
        ['?offset=-1', "offset must be a whole number, got '-1'"],
        ['?offset=1.5', "offset must be a whole number, got '1.5'"],
        ['?offset=1&offset=2', 'query parameters must be given once each'],
        ['?ofset=50', "unknown query parameter 'ofset' (known: offset, limit)"],
      ];
      for (const [query, message] of refused) {
        const response = await get(query);
        expect([query, response.status, ((await response.json()) as { message: string }).message]).toEqual([query, 400, message]);
      }
    } finally {
      await close();
      await removePrefix(prefix);
    }
  });
});

describe('TaskDashboardModule.forRoot options', () => {
  it('refuses unknown keys and a bad path, naming them', () => {
    expect(() => TaskDashboardModule.forRoot({ path: '/tasks', readonly: true } as never)).toThrow(InvalidTaskOptionsError);
    expect(() => TaskDashboardModule.forRoot({ path: '/tasks', readonly: true } as never)).toThrow("unknown option 'readonly'");
    expect(() => TaskDashboardModule.forRoot({ path: '/tasks?x' })).toThrow('path must be a URL path');
    for (const path of ['/a/../b', './tasks', '//tasks', '/tasks//', 'admin//tasks']) expect(() => TaskDashboardModule.forRoot({ path })).toThrow('path must be a URL path');
    expect(TaskDashboardModule.forRoot({ path: 'admin/tasks/' })).toBeDefined();
    expect(() => TaskDashboardModule.forRoot({ path: '/tasks', readOnly: 'yes' } as never)).toThrow('readOnly must be true or false');
    for (const allowedHosts of [[], ['http://tasks.internal'], ['tasks.internal:3000'], ['tasks internal'], 'tasks.internal', [42]]) {
      expect(() => TaskDashboardModule.forRoot({ path: '/tasks', allowedHosts } as never)).toThrow(/^TaskDashboardModule\.forRoot: allowedHosts must be a non-empty array of host names without port or scheme/);
    }
    expect(TaskDashboardModule.forRoot({ path: '/tasks', allowedHosts: ['Tasks.Internal', 'localhost', '10.0.0.5', '[::1]', '.example.com'] })).toBeDefined();
  });
});
