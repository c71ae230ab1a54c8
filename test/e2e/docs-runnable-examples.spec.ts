import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { BUILD_TIMEOUT_MS, ensureBuilt } from '../fixtures/built-package.js';
import { PACKAGE_ROOT, freePort, spawnNode, type LineChild } from '../fixtures/child-processes.js';
import { REDIS_URL, removePrefix, uniquePrefix } from '../utils/redis.js';
import { waitUntil } from '../utils/wait.js';

// The examples of docs/observability.md marked `// Runnable example: <name>.ts`
// run here as they are written: each block is compiled to CommonJS, run with
// node against the built package (imported by its name, as an app would), and
// checked for what the doc says it does.

const DOC = join(PACKAGE_ROOT, 'docs', 'observability.md');
const MARKER = /^\/\/ Runnable example: ([\w-]+)\.ts\n/;

/** The runnable ts blocks of the doc, by name. */
function runnableBlocks(): Map<string, string> {
  const blocks = new Map<string, string>();
  for (const [, code] of readFileSync(DOC, 'utf8').matchAll(/^```ts\n([\s\S]*?)^```$/gm)) {
    const marked = MARKER.exec(code);
    if (marked) blocks.set(marked[1], code);
  }
  return blocks;
}

/** Each example's check: it gets the running example and the ports it was given. */
const CHECKS: Record<string, (run: LineChild, ports: { metrics: number; http: number }) => Promise<void>> = {
  async tracing(run) {
    expect(await run.exited).toBe(0);
    const spans = run.lines.map((line) => line.split(' '));
    expect(spans.map((s) => s[1] === 'default' ? `${s[1]} ${s[2]}` : s.slice(1, s.indexOf('<-')).join(' ')).sort()).toEqual(
      ['POST /invoices', 'process default', 'publish default', 'render pdf'],
    );
    expect(new Set(spans.map((s) => s[0])).size).toBe(1);
  },
  async 'task-logs'(run) {
    expect(await run.exited).toBe(0);
    expect(run.lines.map((line) => line.replace(/^\S+Z /, ''))).toEqual(['importing 3 rows', 'done']);
  },
  async 'bulk-operations'(run) {
    expect(await run.exited).toBe(0);
    expect(JSON.parse(run.lines[run.lines.length - 1])).toEqual({
      retried: 3,
      cleaned: 3,
      drained: 1,
      left: { blocked: 0, waiting: 0, delayed: 0, active: 0, completed: 0, dead: 0, paused: false },
    });
  },
  async 'prometheus-metrics'(run, ports) {
    await run.waitForLine(/^ready$/);
    const names = [
      'nestjs_redis_tasks_tasks_enqueued_total',
      'nestjs_redis_tasks_tasks_completed_total',
      'nestjs_redis_tasks_task_process_duration_bucket',
      'nestjs_redis_tasks_task_wait_duration_bucket',
      'nestjs_redis_tasks_queue_waiting',
      'nestjs_redis_tasks_queue_delayed',
      'nestjs_redis_tasks_queue_active',
      'nestjs_redis_tasks_queue_dead',
    ];
    const body = await waitUntil(async () => {
      const text = await (await fetch(`http://127.0.0.1:${ports.metrics}/metrics`)).text();
      return names.every((name) => text.includes(`${name}{`)) ? text : null;
    }, 'every metric name on the scrape');
    expect(body).toMatch(/nestjs_redis_tasks_tasks_completed_total\{[^}]*messaging_destination_name="reports"[^}]*nestjs_redis_tasks_task_name="report.build"[^}]*\} 1/);
    expect(body).toMatch(/nestjs_redis_tasks_queue_waiting\{[^}]*messaging_destination_name="reports"[^}]*\} 0/);
    run.child.kill('SIGTERM');
    await run.exited;
  },
  async health(run, ports) {
    await run.waitForLine(/^ready$/);
    const response = await fetch(`http://127.0.0.1:${ports.http}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: 'ok',
      info: { tasks: { status: 'up', redis: { reachable: true }, workers: { enabled: true, running: true }, queues: { emails: { waiting: 0 } } } },
    });
    run.child.kill('SIGTERM');
    await run.exited;
  },
};

describe('the runnable examples of docs/observability.md', () => {
  const blocks = runnableBlocks();
  let dir: string;

  beforeAll(async () => {
    await ensureBuilt();
    // Under the repository, so the examples resolve its node_modules and the package by its own name.
    mkdirSync(join(PACKAGE_ROOT, '.tmp'), { recursive: true });
    dir = mkdtempSync(join(PACKAGE_ROOT, '.tmp', 'docs-run-'));
  }, BUILD_TIMEOUT_MS);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has a check for each runnable example and an example for each check', () => {
    expect([...blocks.keys()].sort()).toEqual(Object.keys(CHECKS).sort());
  });

  it.each(Object.keys(CHECKS))('runs %s as written', async (name) => {
    const code = blocks.get(name);
    if (code === undefined) throw new Error(`docs/observability.md has no block marked '// Runnable example: ${name}.ts'`);
    const { outputText } = ts.transpileModule(code, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, experimentalDecorators: true, emitDecoratorMetadata: true, esModuleInterop: true },
    });
    const file = join(dir, `${name}.cjs`);
    writeFileSync(file, outputText);
    const prefix = uniquePrefix(`docs-${name}`);
    const ports = { metrics: await freePort(), http: await freePort() };
    const run = spawnNode([file], { REDIS_URL, TASKS_PREFIX: prefix, METRICS_PORT: String(ports.metrics), PORT: String(ports.http) });
    const timer = setTimeout(() => run.child.kill('SIGKILL'), 30_000);
    try {
      await CHECKS[name](run, ports);
    } catch (error) {
      run.child.kill('SIGKILL');
      throw new Error(`${String(error)}\nstdout:\n${run.lines.join('\n')}\nstderr:\n${run.stderr()}`);
    } finally {
      clearTimeout(timer);
      await run.exited;
      await removePrefix(prefix);
    }
  }, 40_000);
});
