import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, fencedBlocks, type Block } from './markdown-blocks.js';

// Runs the examples of docs/testing.md as they are: its named ts blocks
// (first line `// <file>.ts`) are written side by side under .tmp/, and each
// `*.spec.ts` among them is loaded here, so its describe/it blocks are tests
// of this file. 'nestjs-redis-tasks' and 'nestjs-redis-tasks/testing' resolve
// to lib/ (moduleNameMapper in test/utils/jest-shared.cjs).

const blocks: Block[] = fencedBlocks(join(ROOT, 'docs', 'testing.md')).filter((block) => block.file !== null);
const dir = join(ROOT, '.tmp', `testing-guide-${process.pid}`);
mkdirSync(dir, { recursive: true });
for (const block of blocks) writeFileSync(join(dir, block.file!), block.code);
const specs = blocks.filter((block) => block.file!.endsWith('.spec.ts'));

describe('docs/testing.md', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('shows a spec of a service, one of the app module on the test mode, and one of a handler', () => {
    expect(specs.map((block) => block.file)).toEqual(['signup.service.spec.ts', 'app.module.spec.ts', 'email.tasks.spec.ts']);
  });

  // Each spec of the guide, loaded as jest loads a test file: its tests run here.
  for (const block of specs) {
    describe(`${block.file} (docs/testing.md line ${block.line})`, () => {
      require(join(dir, block.file!));
    });
  }
});
