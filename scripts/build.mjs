// Builds dist/esm (ES modules) and dist/cjs (CommonJS), each with declarations, from lib/.
// Both module formats are shipped because Nest apps are both: new Nest 12 apps
// are ESM, most existing ones CommonJS.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const run = (args) => execFileSync(process.execPath, [tsc, ...args], { cwd: root, stdio: 'inherit' });

execFileSync(process.execPath, [join(root, 'scripts', 'embed-lua.mjs')], { stdio: 'inherit' });
execFileSync(process.execPath, [join(root, 'scripts', 'embed-dashboard.mjs')], { stdio: 'inherit' });
rmSync(join(root, 'dist'), { recursive: true, force: true });
// Each format gets its own declarations: a .d.ts is read as ESM or CommonJS by
// the package.json beside it, and an ESM importer must not see CommonJS types.
run(['-p', 'tsconfig.build.json', '--outDir', 'dist/esm', '--module', 'esnext', '--moduleResolution', 'bundler']);
run(['-p', 'tsconfig.build.json', '--outDir', 'dist/cjs', '--module', 'commonjs', '--moduleResolution', 'bundler']);
// The package's commands (package.json "bin") run as files: executable, by their shebang.
const { bin = {} } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
for (const file of Object.values(bin)) chmodSync(join(root, file), 0o755);
for (const [dir, type] of [['esm', 'module'], ['cjs', 'commonjs']]) {
  mkdirSync(join(root, 'dist', dir), { recursive: true });
  writeFileSync(join(root, 'dist', dir, 'package.json'), JSON.stringify({ type }) + '\n');
}
