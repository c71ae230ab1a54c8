// Adds to package-lock.json the platform-specific optional packages that npm
// leaves out when the registry it can reach serves only this platform's builds
// (@swc/core, unrs-resolver and msgpackr-extract ship one package per OS/CPU).
// Without these entries `npm ci` refuses the lock as out of sync. Each entry
// carries the os/cpu/libc its name declares, so `npm ci` skips it on other
// platforms without fetching anything. Run after `npm install` changes the lock:
//   node scripts/complete-lockfile.mjs                          (the library's lock)
//   node scripts/complete-lockfile.mjs bench/package-lock.json  (the benchmark's)
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

const LOCK = process.argv[2] ? resolve(process.argv[2]) : new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(LOCK, 'utf8'));
const packages = lock.packages;

const OS = ['darwin', 'linux', 'win32', 'android', 'freebsd', 'openharmony', 'netbsd', 'openbsd', 'sunos', 'aix'];
const CPU = ['arm64', 'x64', 'ia32', 'arm', 'ppc64', 's390x', 'riscv64', 'loong64', 'wasm32', 'mips64el'];

function platformOf(name) {
  const tokens = name.split('/').pop().split('-');
  const os = tokens.find((t) => OS.includes(t));
  const cpu = tokens.find((t) => CPU.includes(t));
  if (!cpu) return null;
  const entry = { optional: true };
  if (os) entry.os = [os];
  entry.cpu = [cpu];
  if (tokens.some((t) => t === 'gnu' || t.startsWith('gnueabi'))) entry.libc = ['glibc'];
  if (tokens.some((t) => t.startsWith('musl'))) entry.libc = ['musl'];
  return entry;
}

let added = 0;
for (const [path, meta] of Object.entries(packages)) {
  for (const [dep, version] of Object.entries(meta.optionalDependencies ?? {})) {
    const where = `node_modules/${dep}`;
    if (packages[where] || packages[`${path}/node_modules/${dep}`]) continue;
    const platform = platformOf(dep);
    if (!platform) continue;
    packages[where] = { version, ...platform };
    added += 1;
  }
}
lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
writeFileSync(LOCK, JSON.stringify(lock, null, 2) + '\n');
console.log(`complete-lockfile: added ${added} platform package entries`);
