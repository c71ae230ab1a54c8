import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** A fenced block of one Markdown file. */
export interface Block {
  /** The Markdown file, relative to the repository. */
  doc: string;
  /** 1-based position among the file's ```ts blocks (0 for other blocks). */
  index: number;
  /** Line of the opening fence in the Markdown file. */
  line: number;
  lang: string;
  code: string;
  /**
   * The file name a block gives in its first line (`// signup.service.ts`), or null. Named blocks of
   * one document are written under those names side by side, so they can import each other.
   */
  file: string | null;
}

export const ROOT = join(__dirname, '..', '..');

/** The Markdown files whose examples users read: the README and everything under docs/. */
export function markdownFiles(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return walk(path);
      return entry.name.endsWith('.md') ? [path] : [];
    });
  return [join(ROOT, 'README.md'), ...walk(join(ROOT, 'docs'))];
}

/** Every fenced block of a Markdown file, with its language tag ('' when it has none). */
export function fencedBlocks(path: string): Block[] {
  const doc = relative(ROOT, path);
  const lines = readFileSync(path, 'utf8').split('\n');
  const blocks: Block[] = [];
  let tsCount = 0;
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,})(\S*)\s*$/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, lang] = open;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i].trim() !== fence; i++) body.push(lines[i].startsWith(indent) ? lines[i].slice(indent.length) : lines[i]);
    const isTs = lang === 'ts' || lang === 'typescript';
    const file = isTs ? (/^\/\/ ([\w.-]+\.ts)$/.exec(body[0] ?? '')?.[1] ?? null) : null;
    blocks.push({ doc, index: isTs ? ++tsCount : 0, line: start + 1, lang, code: body.join('\n') + '\n', file });
  }
  return blocks;
}

/** The name a block is written under: its own, or one made from its document and position. */
export function fileNameOf(block: Block): string {
  return block.file ?? `${block.doc.replace(/[^\w]+/g, '-')}-${block.index}.ts`;
}

/** The folder a document's named blocks share (its other blocks go to the top folder). */
export function folderOf(block: Block): string {
  return block.file ? block.doc.replace(/[^\w]+/g, '-') : '';
}
