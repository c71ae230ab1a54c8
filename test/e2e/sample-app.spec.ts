import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { BUILD_TIMEOUT_MS, ensureBuilt } from '../fixtures/built-package.js';
import { PACKAGE_ROOT, freePort, spawnNode } from '../fixtures/child-processes.js';
import { REDIS_URL, prefixKeys } from '../utils/redis.js';

// `npm run sample` on both engines: with nothing answering at REDIS_URL it
// runs on the in-memory engine (inline mode, real timers) and says so first;
// with a Redis it runs on Redis. Either way every expectation holds, the
// summary names the engine, and the process exits 0 by itself.

const MAIN = join(PACKAGE_ROOT, '.tmp', 'sample', 'main.js');

async function runSample(redisUrl: string) {
  const app = spawnNode([MAIN], { REDIS_URL: redisUrl, NO_COLOR: '1' });
  const timer = setTimeout(() => app.child.kill('SIGKILL'), 30_000);
  const code = await app.exited;
  clearTimeout(timer);
  const summary = app.lines.find((line) => line.startsWith('Summary'));
  // The recurring task may still print a line after the summary, before the app closes.
  const verdict = app.lines.find((line) => /^(Everything behaved as expected|SOMETHING DID NOT BEHAVE AS EXPECTED)\.$/.test(line));
  return { code, first: app.lines[0] ?? '', summary, verdict, output: app.lines.join('\n'), stderr: app.stderr() };
}

describe('the sample (npm run sample)', () => {
  beforeAll(async () => {
    await ensureBuilt();
    // What `npm run sample` does after its build.
    execFileSync(process.execPath, [join(PACKAGE_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'sample/tsconfig.json'], { cwd: PACKAGE_ROOT });
  }, BUILD_TIMEOUT_MS);

  it('runs on the in-memory engine where no Redis answers, and says so in its first line', async () => {
    const nowhere = `redis://127.0.0.1:${await freePort()}`;
    const run = await runSample(nowhere);
    expect({ code: run.code, stderr: run.stderr }).toMatchObject({ code: 0 });
    expect(run.first).toMatch(new RegExp(`No Redis answered at ${nowhere} \\(.+\\): running on the in-memory engine .*inline mode, real timers`));
    expect(run.first).toMatch(/set REDIS_URL=redis:\/\/host:port/);
    expect(run.summary).toMatch(/^Summary \(engine: in-memory/);
    expect(run.output).toMatch(/started \d+ ms after due/);
    expect(run.verdict).toBe('Everything behaved as expected.');
  }, 40_000);

  it('runs on Redis where one answers', async () => {
    const run = await runSample(REDIS_URL);
    expect({ code: run.code, stderr: run.stderr }).toMatchObject({ code: 0 });
    expect(run.first).toMatch(new RegExp(`Running on Redis at ${REDIS_URL} \\(prefix 'sample-\\d+'\\)`));
    expect(run.summary).toBe(`Summary (engine: Redis at ${REDIS_URL})`);
    expect(run.verdict).toBe('Everything behaved as expected.');
    // It leaves Redis as it found it: no key of its prefix, its declared schedule's included.
    const prefix = /prefix '(sample-\d+)'/.exec(run.first)![1];
    expect(await prefixKeys(prefix)).toEqual([]);
  }, 40_000);
});
