import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PACKAGE_ROOT } from '../fixtures/child-processes.js';

// `npm pack` as a publisher runs it, in a fresh checkout of this working tree
// (its tracked and new files, no dist/, no .tmp/): the prepack script builds,
// the tarball holds the build in both formats with their types, the testing
// entry, the docs, LICENSE and CHANGELOG, and nothing else; the packed README
// links to the docs it ships. Then the tarball is installed into an empty app
// that uses it only by its name, as ESM and as CommonJS, and type-checked by
// both module resolutions Nest apps use, and once with the declarations of
// every package checked (tsc's default).

const PACK_TIMEOUT_MS = 300_000;
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const tsc = join(PACKAGE_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
/** TypeScript 7, the native compiler, the one a new app gets from npm: installed apart (`npm run test:pack` does), as its tsc would take the place of TypeScript 6's. */
const tsc7 = join(PACKAGE_ROOT, 'tools', 'typescript-7', 'node_modules', 'typescript', 'bin', 'tsc');
/** What the installed package needs beside it: its dependencies and peer dependencies. */
const NEEDED = ['@nestjs/common', '@nestjs/core', '@nestjs/platform-express', 'reflect-metadata', 'rxjs', 'ioredis', 'croner', '@standard-schema/spec', '@types/node'];

interface PackResult {
  filename: string;
  files: Array<{ path: string; size: number }>;
}

/** A copy of the working tree as a fresh clone would have it, with this repository's node_modules. */
function freshCheckout(into: string): string {
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: PACKAGE_ROOT, encoding: 'utf8' });
  for (const file of listed.split('\0').filter(Boolean)) {
    const to = join(into, file);
    mkdirSync(dirname(to), { recursive: true });
    try {
      copyFileSync(join(PACKAGE_ROOT, file), to);
    } catch (error) {
      // Deleted in the working tree but not yet in the index: a fresh clone of it would not have it either.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  symlinkSync(join(PACKAGE_ROOT, 'node_modules'), join(into, 'node_modules'), 'junction');
  return into;
}

/** An app with the tarball installed under node_modules/nestjs-redis-tasks and its dependencies beside it. */
function appWith(tarball: string, into: string): string {
  const modules = join(into, 'node_modules');
  mkdirSync(modules, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', modules]);
  renameSync(join(modules, 'package'), join(modules, 'nestjs-redis-tasks'));
  for (const dep of NEEDED) {
    mkdirSync(dirname(join(modules, dep)), { recursive: true });
    symlinkSync(join(PACKAGE_ROOT, 'node_modules', dep), join(modules, dep), 'junction');
  }
  return into;
}

const CONSUMER = (format: 'esm' | 'cjs') => {
  const load =
    format === 'esm'
      ? `import 'reflect-metadata';
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TaskHandler, TaskModule, TaskQueue, defineTask } from 'nestjs-redis-tasks';
import { TaskTester } from 'nestjs-redis-tasks/testing';
import { TaskDashboardModule } from 'nestjs-redis-tasks/dashboard';`
      : `require('reflect-metadata');
const { Injectable, Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { TaskHandler, TaskModule, TaskQueue, defineTask } = require('nestjs-redis-tasks');
const { TaskTester } = require('nestjs-redis-tasks/testing');
const { TaskDashboardModule } = require('nestjs-redis-tasks/dashboard');`;
  return `${load}
const Greet = defineTask('greet');
class Tasks {
  greet(payload) { return 'hello ' + payload.name; }
}
Injectable()(Tasks);
TaskHandler(Greet)(Tasks.prototype, 'greet', Object.getOwnPropertyDescriptor(Tasks.prototype, 'greet'));
class AppModule {}
Module({ imports: [TaskModule.forTesting({ mode: 'inline' })], providers: [Tasks] })(AppModule);
(async () => {
  const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
  const queue = app.get(TaskQueue);
  const result = await queue.waitFor(await queue.enqueue(Greet, { name: '${format}' }), { timeout: 5000 });
  const enqueued = app.get(TaskTester).enqueued(Greet).map((t) => t.state);
  await app.close();
  // The dashboard entry serves its bundled assets from this build (no file lookups beside it).
  class WebModule {}
  Module({ imports: [TaskModule.forTesting({ mode: 'inline' }), TaskDashboardModule.forRoot({ path: '/tasks' })] })(WebModule);
  const web = await NestFactory.create(WebModule, { logger: false });
  await web.listen(0, '127.0.0.1');
  const origin = (await web.getUrl()).replace('[::1]', '127.0.0.1');
  const script = await fetch(origin + '/tasks/assets/dashboard.js');
  const dashboard = { status: script.status, bytes: (await script.text()).length > 1000, csp: script.headers.get('content-security-policy') !== null };
  await web.close();
  console.log(JSON.stringify({ result, enqueued, dashboard }));
})();
`;
};

const TYPED_CONSUMER = `import { Injectable } from '@nestjs/common';
import { TaskHandler, TaskModule, TaskQueue, defineTask, type TaskRef } from 'nestjs-redis-tasks';
import { TaskTester, type EnqueuedTask } from 'nestjs-redis-tasks/testing';
import { TaskDashboardModule, type TaskDashboardOptions } from 'nestjs-redis-tasks/dashboard';

const dashboardOptions: TaskDashboardOptions = { path: '/tasks', readOnly: true };
export const dashboard = TaskDashboardModule.forRoot(dashboardOptions);

export const Greet = defineTask<{ name: string }, string>('greet');
export const module = TaskModule.forTesting({ mode: 'fake' });

@Injectable()
export class Tasks {
  @TaskHandler(Greet)
  greet(payload: { name: string }) {
    return 'hello ' + payload.name;
  }
}

export async function use(queue: TaskQueue, tester: TaskTester): Promise<string> {
  const ref: TaskRef<string> = await queue.enqueue(Greet, { name: 'typed' });
  const listed: EnqueuedTask<{ name: string }>[] = tester.enqueued(Greet);
  return (await queue.waitFor(ref, { timeout: 1 })) + listed.length;
}

// Options built from configuration, where a setting may be undefined: accepted at run time, and by the types
// under exactOptionalPropertyTypes.
export function fromConfig(queue: TaskQueue, env: { concurrency?: string; delay?: number; zone?: string }) {
  const configured = TaskModule.forRoot({ connection: 'redis://127.0.0.1:6379', worker: { concurrency: env.concurrency ? Number(env.concurrency) : undefined } });
  const scheduled = queue.schedule('nightly', Greet, { name: 'n' }, { cron: '0 3 * * *', timezone: env.zone });
  return [configured, scheduled, queue.enqueue(Greet, { name: 'configured' }, { delay: env.delay, priority: undefined })];
}
`;

const MISSPELT_OPTIONS = `import { Injectable } from '@nestjs/common';
import { TaskHandler, TaskQueue } from 'nestjs-redis-tasks';

@Injectable()
export class Tasks {
  @TaskHandler('mail.send', { removeOnFail: 5 })
  send() {}
}

export async function misspelt(queue: TaskQueue) {
  await queue.enqueue('mail.send', {}, { jobId: 'x' });
  await queue.schedule('hourly', 'mail.send', {}, { pattern: '0 * * * *' });
}
`;

describe('the package as npm packs it', () => {
  let dir: string;
  let pack: PackResult;
  let checkout: string;
  let app: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'nestjs-redis-tasks-pack-'));
    checkout = freshCheckout(join(dir, 'checkout'));
    const out = execFileSync(npm, ['pack', '--json', '--pack-destination', dir], { cwd: checkout, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    [pack] = JSON.parse(out.slice(out.indexOf('['))) as PackResult[];
    app = appWith(join(dir, pack.filename), join(dir, 'app'));
  }, PACK_TIMEOUT_MS);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('holds both builds with their types, the testing entry, the docs, LICENSE and CHANGELOG, and nothing else', () => {
    const files = pack.files.map((f) => f.path).sort();
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'bench/RESULTS.md', 'docs/testing.md', 'docs/migrating-from-bullmq.md',
        'dist/esm/package.json', 'dist/esm/index.js', 'dist/esm/index.d.ts', 'dist/esm/testing/index.js', 'dist/esm/testing/index.d.ts',
        'dist/cjs/package.json', 'dist/cjs/index.js', 'dist/cjs/index.d.ts', 'dist/cjs/testing/index.js', 'dist/cjs/testing/index.d.ts',
        'dist/cjs/redis/lua/scripts.generated.js', 'dist/cjs/cli/main.js',
        'dist/esm/dashboard/index.js', 'dist/esm/dashboard/index.d.ts', 'dist/esm/dashboard/assets.generated.js',
        'dist/cjs/dashboard/index.js', 'dist/cjs/dashboard/index.d.ts', 'dist/cjs/dashboard/assets.generated.js',
      ]),
    );
    const unexpected = files.filter((f) => !/^(dist\/|docs\/[^/]+\.md$|docs\/images\/[^/]+\.(png|svg)$)/.test(f) && !['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'bench/RESULTS.md'].includes(f));
    expect(unexpected).toEqual([]);
    // The command line runs from the CommonJS build (its bin): an ES module copy would only add weight.
    expect(files.filter((f) => f.startsWith('dist/esm/cli/'))).toEqual([]);
    // The scripts' text is in the .js once; their declarations name them without repeating it.
    const declared = pack.files.filter((f) => f.path.endsWith('redis/lua/scripts.generated.d.ts'));
    expect(declared).toHaveLength(2);
    for (const file of declared) expect(file.size).toBeLessThan(4_096);
  });

  it('links the packed README to the docs it ships, leaves out trying the repository, and leaves the checkout as it was', () => {
    const extracted = join(dir, 'readme');
    mkdirSync(extracted);
    execFileSync('tar', ['-xzf', join(dir, pack.filename), '-C', extracted, 'package/README.md']);
    const packed = readFileSync(join(extracted, 'package', 'README.md'), 'utf8');
    const { version } = JSON.parse(readFileSync(join(checkout, 'package.json'), 'utf8')) as { version: string };
    expect(packed).toContain(`](https://unpkg.com/nestjs-redis-tasks@${version}/docs/semantics.md)`);
    expect(packed).toContain(`](https://unpkg.com/nestjs-redis-tasks@${version}/CHANGELOG.md)`);
    expect(packed).not.toMatch(/\]\((docs\/|bench\/|CHANGELOG)/);
    // The repository's sample and tests do not ship: the section that runs them is left out.
    expect(packed).not.toMatch(/## Try it|npm run sample/);
    expect(packed).toContain('## Install');
    expect(readFileSync(join(checkout, 'README.md'), 'utf8')).toBe(readFileSync(join(PACKAGE_ROOT, 'README.md'), 'utf8'));
  });

  it('runs in a fresh app by its name, as ESM and as CommonJS, testing and dashboard entries included', () => {
    for (const format of ['esm', 'cjs'] as const) {
      const file = join(app, format === 'esm' ? 'consumer.mjs' : 'consumer.cjs');
      writeFileSync(file, CONSUMER(format));
      const out = execFileSync(process.execPath, [file], { cwd: app, encoding: 'utf8', timeout: 30_000 });
      expect(JSON.parse(out.trim().split('\n').at(-1)!)).toEqual({ result: `hello ${format}`, enqueued: ['completed'], dashboard: { status: 200, bytes: true, csp: true } });
    }
  }, 60_000);

  it('refuses two TaskModules from its two builds in one app (imported by the app, required by a dependency), naming the cause', () => {
    const file = join(app, 'two-copies.mjs');
    writeFileSync(
      file,
      `import { createRequire } from 'node:module';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TaskModule } from 'nestjs-redis-tasks';
const required = createRequire(import.meta.url)('nestjs-redis-tasks');
class AppModule {}
Module({ imports: [TaskModule.forTesting({ mode: 'fake' }), required.TaskModule.forTesting({ mode: 'fake' })] })(AppModule);
try {
  const context = await NestFactory.createApplicationContext(AppModule, { logger: false, abortOnError: false });
  await context.close();
  console.log(JSON.stringify({ started: true }));
} catch (error) {
  console.log(JSON.stringify({ sameClass: required.TaskModule === TaskModule, error: error.message }));
}
`,
    );
    const out = execFileSync(process.execPath, [file], { cwd: app, encoding: 'utf8', timeout: 30_000 });
    const seen = JSON.parse(out.trim().split('\n').at(-1)!) as { sameClass?: boolean; error?: string };
    expect(seen.sameClass).toBe(false);
    expect(seen.error).toMatch(/^TaskModule is imported 2 times in this app, from two copies of nestjs-redis-tasks: its ES module build \(import\) and its CommonJS build \(require\)/);
  }, 60_000);

  it('runs the nestjs-redis-tasks command from node_modules/.bin, as npm links it, and prints its help', () => {
    const installed = join(app, 'node_modules', 'nestjs-redis-tasks');
    const { bin } = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(Object.keys(bin)).toEqual(['nestjs-redis-tasks']);
    // npm links each bin into node_modules/.bin; the file runs by its shebang, with its exec bit from the tarball.
    const binDir = join(app, 'node_modules', '.bin');
    mkdirSync(binDir, { recursive: true });
    const linked = join(binDir, 'nestjs-redis-tasks');
    symlinkSync(join('..', 'nestjs-redis-tasks', bin['nestjs-redis-tasks']), linked);
    expect(statSync(join(installed, bin['nestjs-redis-tasks'])).mode & 0o111).not.toBe(0);
    const general = execFileSync(linked, ['--help'], { cwd: app, encoding: 'utf8', timeout: 30_000 });
    expect(general).toMatch(/^Usage: nestjs-redis-tasks <command>/);
    const list = execFileSync(linked, ['list', '--help'], { cwd: app, encoding: 'utf8', timeout: 30_000 });
    expect(list).toMatch(/^Usage: nestjs-redis-tasks list <queue> <state>/);
    // Linked as npm links it: the version read beside the real file, not beside the link.
    const { version } = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { version: string };
    expect(execFileSync(linked, ['--version'], { cwd: app, encoding: 'utf8', timeout: 30_000 })).toBe(`${version}\n`);
  }, 60_000);

  it('type-checks a consumer under nodenext and under node10 resolution (typesVersions), and with exactOptionalPropertyTypes', () => {
    writeFileSync(join(app, 'consumer.ts'), TYPED_CONSUMER);
    // The compiler's report (empty when it accepts the file), so a failure shows what it said.
    const check = (compilerOptions: Record<string, unknown>, compiler = tsc) => {
      const config = join(app, 'tsconfig.check.json');
      const base = { strict: true, experimentalDecorators: true, emitDecoratorMetadata: true, skipLibCheck: true, noEmit: true, target: 'es2022', types: ['node'] };
      writeFileSync(config, JSON.stringify({ compilerOptions: { ...base, ...compilerOptions }, files: ['consumer.ts'] }));
      try {
        return execFileSync(process.execPath, [compiler, '-p', config], { cwd: app, encoding: 'utf8' });
      } catch (error) {
        return String((error as { stdout?: string }).stdout ?? error);
      }
    };
    // A new Nest 12 app (ES modules), and an existing CommonJS one with the classic resolution.
    expect(check({ module: 'nodenext', moduleResolution: 'nodenext' })).toBe('');
    expect(check({ module: 'commonjs', moduleResolution: 'node10', ignoreDeprecations: '6.0' })).toBe('');
    // tsc's default checks the package's own declarations too: none of them may
    // name an optional peer the app did not install (@opentelemetry/api and
    // @nestjs/terminus are not in this app).
    expect(check({ module: 'nodenext', moduleResolution: 'nodenext', skipLibCheck: false })).toBe('');
    expect(check({ module: 'nodenext', moduleResolution: 'nodenext', exactOptionalPropertyTypes: true })).toBe('');
    // TypeScript 7 accepts it too, and names a misspelt (BullMQ) option in its error: with no overload matching it
    // shows only the last one's error, which must be about the option, not about the task argument.
    expect(check({ module: 'nodenext', moduleResolution: 'nodenext' }, tsc7)).toBe('');
    writeFileSync(join(app, 'consumer.ts'), MISSPELT_OPTIONS);
    const misspelt = check({ module: 'nodenext', moduleResolution: 'nodenext' }, tsc7);
    for (const option of ['jobId', 'pattern', 'removeOnFail']) expect(misspelt).toContain(`'${option}' does not exist in type`);
    expect(misspelt).not.toMatch(/is not assignable to parameter of type '(TaskDefinition|string)/);
  }, 90_000);
});
