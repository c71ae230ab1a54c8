import { Injectable } from '@nestjs/common';
import { TaskContext, TaskHandler } from '../../lib/index.js';
import { BUILD_TIMEOUT_MS, ensureBuilt } from '../fixtures/built-package.js';
import { runCli } from '../fixtures/cli-process.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { REDIS_URL, removePrefix, uniquePrefix } from '../utils/redis.js';

// Task errors and log lines hold text from anywhere (often user input). The
// tool prints them with control characters made visible: raw, an escape
// sequence could clear the operator's screen, retitle the window or redraw lines.

const HOSTILE = 'boom \u001b[2J\u001b[H\u001b]0;TITLE\u0007\rOVERWRITE \u202eevil';

@Injectable()
class HostileTasks {
  @TaskHandler('term.inject', { attempts: 1 })
  async inject(_payload: unknown, task: TaskContext) {
    await task.log(HOSTILE);
    throw new Error(HOSTILE);
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
  });
});
