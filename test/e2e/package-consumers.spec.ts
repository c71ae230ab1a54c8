import { join } from 'node:path';
import { BUILD_TIMEOUT_MS, ensureBuilt } from '../fixtures/built-package.js';
import { PACKAGE_ROOT, spawnNode } from '../fixtures/child-processes.js';
import { declarationImports } from '../fixtures/declaration-imports.js';
import { inspector, keysOf, REDIS_URL, removePrefix, uniquePrefix } from '../utils/redis.js';

// The built package works in both kinds of Nest app: an ES-module app (what
// Nest 12 generates) and a CommonJS app (most existing ones). Each consumer
// imports `nestjs-redis-tasks` by name, runs a task end to end, closes its app
// and must then exit 0 by itself (no connection left open).

const CONSUMERS = join(__dirname, '..', 'consumers');

/** Runs a consumer app to its end; resolves with its exit code and its one JSON output line. */
async function runConsumer(file: string, prefix: string) {
  const app = spawnNode([join(CONSUMERS, file)], { REDIS_URL, TASKS_PREFIX: prefix });
  const timer = setTimeout(() => app.child.kill('SIGKILL'), 20_000);
  const code = await app.exited;
  clearTimeout(timer);
  const output = app.lines.filter((line) => line.startsWith('{'));
  return { code, output: output.map((line) => JSON.parse(line) as Record<string, unknown>), stderr: app.stderr() };
}

describe.each([
  { kind: 'an ES-module', file: 'esm-app.mjs', module: 'esm', entry: /^file:\/\/.*\/dist\/esm\/index\.js$/, terminus: /^file:\/\/.*\/dist\/esm\/terminus\/index\.js$/ },
  { kind: 'a CommonJS', file: 'cjs-app.cjs', module: 'cjs', entry: /\/dist\/cjs\/index\.js$/, terminus: /\/dist\/cjs\/terminus\/index\.js$/ },
])('$kind app using the built package', ({ file, module, entry, terminus }) => {
  const prefix = uniquePrefix(`consumer-${module}`);

  beforeAll(async () => {
    await ensureBuilt();
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    await removePrefix(prefix);
  });

  it('runs a task end to end with its own format of the build, and exits 0 by itself once the app is closed', async () => {
    const { code, output, stderr } = await runConsumer(file, prefix);

    // stderr is in the comparison so a failure shows what the app printed.
    expect({ code, stderr }).toMatchObject({ code: 0 });
    expect(output).toHaveLength(1);
    expect(output[0]).toEqual({
      module,
      entry: expect.stringMatching(entry),
      result: { greeting: `hello ${module}`, attempt: 1, contextIsTaskContext: true },
      state: 'completed',
      // The terminus entry, built in the same format; the main entry did not load @nestjs/terminus.
      terminus: { entry: expect.stringMatching(terminus), indicator: 'function', loadedByMain: false },
    });
    const redis = inspector();
    try {
      expect(await keysOf(redis, prefix)).toEqual([]);
    } finally {
      await redis.quit();
    }
  });
});

describe('the built type declarations', () => {
  beforeAll(async () => {
    await ensureBuilt();
  }, BUILD_TIMEOUT_MS);

  it.each(['esm', 'cjs'])('(%s) name no optional peer from the main entry, and only @nestjs/terminus from the terminus entry', (format) => {
    // An app without the optional peers must type-check, even with skipLibCheck off.
    const main = declarationImports(join(PACKAGE_ROOT, 'dist', format, 'index.d.ts'));
    expect([...main].sort()).toEqual(expect.arrayContaining(['@nestjs/common']));
    expect([...main].filter((m) => m.startsWith('@opentelemetry') || m === '@nestjs/terminus')).toEqual([]);
    const terminus = declarationImports(join(PACKAGE_ROOT, 'dist', format, 'terminus', 'index.d.ts'));
    expect(terminus.has('@nestjs/terminus')).toBe(true);
    expect([...terminus].filter((m) => m.startsWith('@opentelemetry'))).toEqual([]);
  });
});
