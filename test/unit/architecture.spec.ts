import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

// The layering of lib/ (.dependency-cruiser.cjs): folders import only the
// folders below them, nothing but the Redis adapter imports ioredis, and no
// module cycle exists. Checked with dependency-cruiser over the real sources.

const root = join(__dirname, '..', '..');
const depcruise = join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

interface Report {
  summary: { violations: Array<{ rule: { name: string }; from: string; to: string }>; totalCruised: number };
}

function cruise(path: string, cwd = root): Report {
  const config = join(root, '.dependency-cruiser.cjs');
  const out = execFileSync(process.execPath, [depcruise, path, '--config', config, '--output-type', 'json'], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out) as Report;
}

describe('the architecture of lib/', () => {
  it('keeps every folder rule: layers, no cycles, ioredis only behind the port', () => {
    const { summary } = cruise('lib');
    expect(summary.totalCruised).toBeGreaterThan(100);
    expect(summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`)).toEqual([]);
  });

  it('would catch a feature folder importing upwards or reaching into the Redis adapter', () => {
    // A small tree of its own (outside lib/, so no build sees it) with a file
    // that breaks three rules, checked with the same config: the check is not vacuous.
    mkdirSync(join(root, '.tmp'), { recursive: true });
    const dir = mkdtempSync(join(root, '.tmp', 'arch-'));
    const write = (file: string, text: string) => {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), text);
    };
    try {
      symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
      copyFileSync(join(root, 'tsconfig.json'), join(dir, 'tsconfig.json'));
      write('lib/redis/queue-keys.ts', 'export class QueueKeys {}\n');
      write('lib/memory/memory-store.ts', 'export class MemoryStore {}\n');
      write('lib/module/task.module.ts', 'export class TaskModule {}\n');
      write(
        'lib/worker/bad.ts',
        [
          "import { Redis } from 'ioredis';",
          "import { QueueKeys } from '../redis/queue-keys.js';",
          "import { TaskModule } from '../module/task.module.js';",
          "import { MemoryStore } from '../memory/memory-store.js';",
          'export const bad = [Redis, QueueKeys, TaskModule, MemoryStore];',
        ].join('\n'),
      );
      const rules = cruise('lib', dir).summary.violations.map((v) => v.rule.name);
      expect(rules).toEqual(
        expect.arrayContaining([
          'worker-imports-no-higher-layer',
          'only-the-redis-adapter-imports-ioredis',
          'only-the-composition-root-picks-an-adapter',
          'only-the-composition-root-and-the-test-mode-use-the-memory-adapter',
        ]),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
