import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Freezes the built package for the whole run. The scenarios import
 * 'nestjs-redis-tasks' by name; here that name resolves to a copy of dist/
 * taken when the run starts, under <outDir>/node_modules, so an `npm run build`
 * elsewhere during a 15-minute run (a shared machine, lib/ being edited) can
 * neither break a measurement nor mix two versions in one table. A package.json
 * of its own in <outDir> stops Node's self-reference to the repository's dist/.
 */
export function snapshotPackage(outDir: string): { root: string; revision: string } {
  const root = repoRoot(outDir);
  const manifest = readFileSync(join(root, 'package.json'), 'utf8');
  const name = (JSON.parse(manifest) as { name: string }).name;
  if (!existsSync(join(root, 'dist', 'cjs', 'index.js'))) throw new Error(`${root}/dist is not built: run npm run build first`);
  const target = join(outDir, 'node_modules', name);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  cpSync(join(root, 'dist'), join(target, 'dist'), { recursive: true });
  writeFileSync(join(target, 'package.json'), manifest);
  writeFileSync(join(outDir, 'package.json'), `${JSON.stringify({ name: `${name}-bench`, private: true, type: 'commonjs' })}\n`);
  return { root, revision: revision(root) };
}

/** The repository: the nearest folder up from `from` with the library's build script (bench/ has a package.json of its own). */
function repoRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'scripts', 'build.mjs')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** The commit the package was built from, and whether lib/ had uncommitted changes. */
function revision(root: string): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain', 'lib') ? ' + uncommitted lib/ changes' : ''}`;
  } catch {
    return 'unknown revision';
  }
}
