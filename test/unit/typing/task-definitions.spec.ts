import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ts from 'typescript';

// test/types/task-definitions.typecheck.ts holds typed producers and handlers,
// with a `// @ts-expect-error` line before each misuse that must not compile.
// It is compiled here with the repository's compiler options: once as it is
// (no error: every expected error happens, since an unused directive is an
// error itself), and once without the directives (exactly one error on each
// line that followed one, and none elsewhere), so the file cannot pass by
// having everything typed `any`.

const root = join(__dirname, '..', '..', '..');
const file = join(root, 'test', 'types', 'task-definitions.typecheck.ts');

function compilerOptions(): ts.CompilerOptions {
  const config = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile);
  return { ...ts.parseJsonConfigFileContent(config.config, ts.sys, root).options, noEmit: true, noUnusedLocals: false };
}

let previous: ts.Program | undefined;

/** Errors of one file, as 0-based line numbers with their messages. */
function errorsOf(path: string): Array<{ line: number; text: string }> {
  // The second compile reuses the first's library and Nest declarations.
  const program = ts.createProgram([path], compilerOptions(), undefined, previous);
  previous = program;
  const source = program.getSourceFile(path)!;
  return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map((d) => ({
    line: d.start === undefined ? -1 : source.getLineAndCharacterOfPosition(d.start).line,
    text: `TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`,
  }));
}

describe('typed task definitions at compile time', () => {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const expected = lines.flatMap((line, i) => (/^\s*\/\/ @ts-expect-error/.test(line) ? [i + 1] : []));

  it('accepts every correct use and reports every misuse the file marks', () => {
    expect(expected.length).toBeGreaterThanOrEqual(8);
    expect(errorsOf(file)).toEqual([]);
  }, 60_000);

  it('reports each misuse on its own line once the markers are gone, and nothing else', () => {
    // Beside the original, so its relative imports resolve the same (ignored by git).
    const copy = join(dirname(file), `.unmarked-${process.pid}.typecheck.ts`);
    try {
      writeFileSync(copy, lines.map((line) => (/^\s*\/\/ @ts-expect-error/.test(line) ? '' : line)).join('\n'));
      const errors = errorsOf(copy);
      expect([...new Set(errors.map((e) => e.line))].sort((a, b) => a - b)).toEqual(expected);
      // The last overload's error, which is all TypeScript 7 shows, says what is wrong in the argument that is:
      // with the definition's overload last, a misspelt option was "'string' is not assignable to TaskDefinition".
      const misspelt = errors.filter((e) => /'(jobId|pattern|removeOnFail)' does not exist/.test(e.text));
      expect(misspelt).toHaveLength(4);
      for (const error of misspelt) {
        const last = error.text.split(/Overload \d+ of \d+/).at(-1)!;
        expect(last).toMatch(/'(jobId|pattern|removeOnFail)' does not exist/);
        expect(last).not.toMatch(/is not assignable to parameter of type '(TaskDefinition|string)/);
      }
    } finally {
      rmSync(copy, { force: true });
    }
  }, 60_000);
});
