// Builds dist/esm (ES modules), dist/cjs (CommonJS) and dist/types from lib/.
// Both module formats are shipped because Nest apps are both: new Nest 12 apps
// are ESM, most existing ones CommonJS.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const run = (args) => execFileSync(process.execPath, [tsc, ...args], { cwd: root, stdio: 'inherit' });

execFileSync(process.execPath, [join(root, 'scripts', 'embed-lua.mjs')], { stdio: 'inherit' });
rmSync(join(root, 'dist'), { recursive: true, force: true });
run(['-p', 'tsconfig.build.json', '--outDir', 'dist/esm', '--module', 'esnext', '--moduleResolution', 'bundler', '--declaration', 'false']);
run(['-p', 'tsconfig.build.json', '--outDir', 'dist/cjs', '--module', 'commonjs', '--moduleResolution', 'bundler', '--declaration', 'false']);
run(['-p', 'tsconfig.build.json', '--outDir', 'dist/types', '--emitDeclarationOnly']);
for (const [dir, type] of [['esm', 'module'], ['cjs', 'commonjs']]) {
  mkdirSync(join(root, 'dist', dir), { recursive: true });
  writeFileSync(join(root, 'dist', dir, 'package.json'), JSON.stringify({ type }) + '\n');
}
