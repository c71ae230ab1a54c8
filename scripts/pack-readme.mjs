// The README links to docs/, bench/RESULTS.md and CHANGELOG.md by relative paths, which work
// in the repository. On npmjs.com a relative link has nothing to resolve
// against (the package names no repository), so the README packed into the
// tarball links to the same files in the published package instead, on unpkg,
// pinned to the version being packed (those files ship in the package: see
// "files" in package.json). Its "Try it" section, which runs the repository's
// sample and tests (neither ships), is left out.
//
//   node scripts/pack-readme.mjs rewrite   (prepack)  keeps README.md aside, writes the packed form
//   node scripts/pack-readme.mjs restore   (postpack) puts README.md back
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const readme = join(root, 'README.md');
const kept = join(root, '.tmp', 'README.repository.md');
const { name, version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** The section about trying the repository: from its heading to the next one. */
const TRY_IT = /^## Try it\n[\s\S]*?(?=^## )/m;

/** Markdown links whose target is a file that ships beside the README: docs/*, bench/RESULTS.md, CHANGELOG.md. */
const RELATIVE_LINK = /\]\(((?:docs\/[^)\s#]+|bench\/RESULTS\.md|CHANGELOG\.md)(#[^)\s]*)?)\)/g;

const command = process.argv[2];
if (command === 'rewrite') {
  if (existsSync(kept)) {
    console.error(`pack-readme: ${kept} exists: an earlier pack did not finish. Check README.md, then run \`node scripts/pack-readme.mjs restore\` or delete it.`);
    process.exit(1);
  }
  const text = readFileSync(readme, 'utf8');
  mkdirSync(dirname(kept), { recursive: true });
  writeFileSync(kept, text);
  const base = `https://unpkg.com/${name}@${version}/`;
  if (!TRY_IT.test(text)) {
    console.error('pack-readme: README.md has no "## Try it" section to leave out; update scripts/pack-readme.mjs');
    process.exit(1);
  }
  writeFileSync(readme, text.replace(TRY_IT, '').replace(RELATIVE_LINK, (_, target) => `](${base}${target})`));
} else if (command === 'restore') {
  if (existsSync(kept)) renameSync(kept, readme);
} else {
  console.error('usage: node scripts/pack-readme.mjs rewrite|restore');
  process.exit(2);
}
