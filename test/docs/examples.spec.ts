// Every ```ts block of README.md and docs/**/*.md is compiled here, as its own
// module, against the library's source, with the compiler options of a default
// Nest app. A reader copies these examples: an example that does not compile
// (a missing import, a type imported as a value under isolatedModules and
// emitDecoratorMetadata, which is TS1272) is a bug in the manual.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { ROOT as root, fencedBlocks, fileNameOf, folderOf, markdownFiles, type Block } from './markdown-blocks.js';

/** What a default Nest 12 app compiles with, plus a path to the library's source in place of the package. */
const compilerOptions: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  isolatedModules: true,
  esModuleInterop: true,
  skipLibCheck: true,
  // jest: docs/testing.md shows specs (which test/docs/testing-guide.spec.ts runs).
  types: ['node', 'jest'],
  noEmit: true,
  paths: {
    'nestjs-redis-tasks': [join(root, 'lib', 'index.ts')],
    'nestjs-redis-tasks/terminus': [join(root, 'lib', 'terminus', 'index.ts')],
    'nestjs-redis-tasks/testing': [join(root, 'lib', 'testing', 'index.ts')],
    'nestjs-redis-tasks/dashboard': [join(root, 'lib', 'dashboard', 'index.ts')],
  },
};

/**
 * A block that a default Nest app refuses (TS1272: TaskEvent is only a type, imported as a value into a
 * decorated signature). Compiled with the examples, it proves the options still catch that mistake.
 */
const CANARY = `import { Injectable } from '@nestjs/common';
import { OnTaskEvent, TaskEvent } from 'nestjs-redis-tasks';

@Injectable()
export class Canary {
  @OnTaskEvent('completed')
  seen(event: TaskEvent) {
    return event.id;
  }
}
`;

/** The syntax and type errors of one file of the program, with the 0-based line each is on. */
function diagnosticsOf(program: ts.Program, file: string): { line: number; code: number; text: string }[] {
  const source = program.getSourceFile(file);
  if (!source) return [{ line: 0, code: 0, text: `${file} is not part of the program` }];
  return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map((d) => ({
    line: d.start === undefined ? 0 : source.getLineAndCharacterOfPosition(d.start).line,
    code: d.code,
    text: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
  }));
}

describe('examples in README.md and docs/', () => {
  const files = markdownFiles();
  const blocks = files.flatMap(fencedBlocks);
  const tsBlocks = blocks.filter((b) => b.index > 0);
  let dir: string;

  beforeAll(() => {
    // Under the repository (in the ignored .tmp/), so that imports resolve to its node_modules
    // as they would in an app; a package.json makes the examples ES modules, as in a new Nest 12 app.
    mkdirSync(join(root, '.tmp'), { recursive: true });
    dir = mkdtempSync(join(root, '.tmp', 'doc-examples-'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`finds the examples (${tsBlocks.length} ts blocks from ${files.length} files)`, () => {
    expect(files.map((f) => relative(root, f))).toEqual(expect.arrayContaining(['README.md', 'docs/guarantees.md', 'docs/semantics.md']));
    expect(tsBlocks.length).toBeGreaterThanOrEqual(12);
  });

  it('tags every fenced block with its language', () => {
    const untagged = blocks.filter((b) => b.lang === '').map((b) => `${b.doc}:${b.line}`);
    expect(untagged).toEqual([]);
  });

  it('shows the imports of every ts block', () => {
    const bare = tsBlocks.filter((b) => !/^import /m.test(b.code)).map((b) => `${b.doc} block ${b.index} (line ${b.line})`);
    expect(bare).toEqual([]);
  });

  it('compiles every ts block as a module of a default Nest app', () => {
    const byFile = new Map<string, Block>();
    for (const block of tsBlocks) {
      const folder = join(dir, folderOf(block));
      mkdirSync(folder, { recursive: true });
      const file = join(folder, fileNameOf(block));
      if (byFile.has(file)) throw new Error(`${block.doc}: two blocks are named ${block.file}`);
      writeFileSync(file, block.code);
      byFile.set(file, block);
    }
    const canary = join(dir, 'canary.ts');
    writeFileSync(canary, CANARY);
    // One program for all blocks: the library and Nest's types are read once.
    const program = ts.createProgram([...byFile.keys(), canary], compilerOptions);
    const problems = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()].map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    for (const [file, block] of byFile) {
      for (const d of diagnosticsOf(program, file)) {
        problems.push(`${block.doc} block ${block.index} (block line ${d.line + 1}, ${block.doc}:${block.line + 1 + d.line}): TS${d.code} ${d.text}`);
      }
    }
    expect(problems).toEqual([]);
    expect(diagnosticsOf(program, canary).map((d) => d.code)).toEqual([1272]);
  });
});
