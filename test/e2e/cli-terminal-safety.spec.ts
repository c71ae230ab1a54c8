import { Injectable } from '@nestjs/common';
import { TaskContext, TaskHandler } from '../../lib/index.js';
import { BUILD_TIMEOUT_MS, ensureBuilt } from '../fixtures/built-package.js';
import { runCli } from '../fixtures/cli-process.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { REDIS_URL, removePrefix, uniquePrefix } from '../utils/redis.js';

// Task errors and log lines hold text from anywhere (often user input). The
// tool prints them with control characters made visible: raw, an escape
// sequence could clear the operator's screen, retitle the window or redraw lines.
// Invisible characters are made visible too, and tables stay aligned.

const HOSTILE = 'boom \u001b[2J\u001b[H\u001b]0;TITLE\u0007\rOVERWRITE \u202eevil';
/** Characters that hide text, reorder it or break a line without a newline, and a tab. */
const INVISIBLE = 'tab\there zero\u200bwidth rlm\u200f alm\u061c ls\u2028ps\u2029 bom\ufeff';
/** A task name may hold them too (only braces and C0 controls are refused). */
const HIDDEN_NAME = 'term.\u200bhidden';

@Injectable()
class HostileTasks {
  @TaskHandler('term.inject', { attempts: 1 })
  async inject(_payload: unknown, task: TaskContext) {
    await task.log(HOSTILE);
    throw new Error(HOSTILE);
  }

  @TaskHandler(HIDDEN_NAME, { attempts: 1 })
  hidden() {
    throw new Error(INVISIBLE);
  }
}

describe('nestjs-redis-tasks: text from tasks on a terminal', () => {
  const prefix = uniquePrefix('cli-terminal');
  let t: TaskApp;
  const cli = (...args: string[]) => runCli([...args, '--prefix', prefix], { REDIS_URL });

  beforeAll(async () => {
    await ensureBuilt();
    t = await startTaskApp(prefix, [HostileTasks]);
  }, BUILD_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
    await removePrefix(prefix);
  });

  it('shows errors and log lines with their control characters escaped, and keeps them exact in JSON', async () => {
    const ref = await t.queue.enqueue('term.inject', {});
    await t.queue.waitFor(ref, { timeout: 10_000 }).catch(() => undefined);
    const [show, list, json] = await Promise.all([cli('show', ref.id), cli('list', 'default', 'dead'), cli('show', ref.id, '--json')]);
    for (const run of [show, list]) {
      expect(run.code).toBe(0);
      expect(run.stdout).not.toMatch(/[\u001b\u0007\r\u202e]/);
    }
    expect(show.stdout).toContain('Error: boom \\u001b[2J\\u001b[H\\u001b]0;TITLE\\u0007\\u000dOVERWRITE \\u202eevil');
    expect(list.stdout).toContain('boom \\u001b[2J');
    expect((JSON.parse(json.stdout) as { task: { error: { message: string } } }).task.error.message).toBe(HOSTILE);
  }, 60_000);

  it('escapes invisible characters, prints no tab in a table, and keeps the columns aligned around an escaped name', async () => {
    const ref = await t.queue.enqueue(HIDDEN_NAME, {});
    await t.queue.waitFor(ref, { timeout: 10_000 }).catch(() => undefined);
    const [show, list, json] = await Promise.all([cli('show', ref.id), cli('list', 'default', 'dead'), cli('list', 'default', 'dead', '--json')]);
    for (const run of [show, list, json]) expect(run).toMatchObject({ code: 0, stderr: '' });
    for (const run of [show, list]) expect(run.stdout).not.toMatch(/[\u200b\u200f\u061c\u2028\u2029\ufeff]/);
    expect(show.stdout).toContain('name      term.\\u200bhidden');
    expect(show.stdout).toContain('Error: tab\there zero\\u200bwidth rlm\\u200f alm\\u061c ls\\u2028ps\\u2029 bom\\ufeff');
    const lines = list.stdout.trimEnd().split('\n');
    expect(list.stdout).not.toContain('\t');
    expect(lines.find((line) => line.includes('hidden'))).toContain('term.\\u200bhidden  dead');
    // The cell is cut at 60 printed characters: the escapes count.
    expect(lines.find((line) => line.includes('hidden'))).toMatch(/ {2}tab here zero\\u200bwidth rlm\\u200f alm\\u061c ls\\u2028ps\\u20…$/);
    // Every row's STATE starts under the header's: the escape was measured with the name.
    expect(new Set(lines.map((line) => line.search(/\b(STATE|dead)\b/))).size).toBe(1);
    expect(JSON.parse(json.stdout)).toContainEqual(expect.objectContaining({ name: HIDDEN_NAME, error: expect.objectContaining({ message: INVISIBLE }) }));
  }, 60_000);
});
