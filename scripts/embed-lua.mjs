// Turns lib/redis/lua/*.lua into lib/redis/lua/scripts.generated.ts.
//
// - `--@include name` lines are replaced by lib/redis/lua/includes/<name>.lua.
// - The protocol constants a script uses (ARG_*, ROW_*, KEY_*, R_*, S_*, ...)
//   are replaced by their values from lib/redis/protocol.ts, so argument
//   positions and field names are written once, in TypeScript.
//   An upper-case name a script uses that the protocol does not define fails
//   the build, as does a script without a layout in SCRIPTS or the reverse.
// - SCRIPT_VERSION is a hash of the final script texts: two library versions
//   whose scripts differ never call each other's scripts on one Redis.
//
// Embedding the text keeps the built package free of file-path lookups, which
// differ between its ESM and CommonJS builds. The generated file is not
// committed; the build and the tests make it.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { existsSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const luaDir = join(root, 'lib', 'redis', 'lua');
const require = createRequire(import.meta.url);

/** Evaluates lib/redis/protocol.ts (data and pure helpers only; type imports vanish). */
function loadProtocol() {
  const ts = require('typescript');
  const source = readFileSync(join(root, 'lib', 'redis', 'protocol.ts'), 'utf8');
  const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } });
  const module = { exports: {} };
  vm.runInNewContext(outputText, { module, exports: module.exports, require: () => ({}) });
  return module.exports;
}

const snake = (name) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
const lua = (value) => (typeof value === 'number' ? String(value) : JSON.stringify(value));

/** Constants every script may use. */
function sharedConstants(p) {
  const out = new Map();
  const put = (prefix, table) => {
    for (const [name, value] of Object.entries(table)) out.set(`${prefix}${snake(name)}`, value);
  };
  put('K_', { ...p.QUEUE_KEY_SUFFIXES, ...p.ITEM_KEY_SUFFIXES });
  put('R_', p.RECORD);
  put('S_', p.STATE);
  put('SD_', p.SCHEDULE);
  put('E_', p.EVENT);
  put('O_', p.OUTCOME);
  put('T_', p.EVENT_TYPE);
  put('OB_', p.OBLITERATE_STATUS);
  put('TP_', p.THROUGHPUT);
  put('HO_', p.HISTORY_OUTCOME);
  p.HISTORY_ENTRY.forEach((field, i) => out.set(`H_${snake(field)}`, i + 1));
  p.ENQUEUE_OPTIONS.forEach((field, i) => out.set(`EO_${snake(field)}`, i + 1));
  // One string.match splits a packed options string: one C call instead of two per field.
  if (p.OPTIONS_SEPARATOR.length !== 1 || /[\^$()%.[\]*+\-?]/.test(p.OPTIONS_SEPARATOR)) {
    throw new Error('embed-lua: OPTIONS_SEPARATOR must be one character that is not magic in a Lua pattern');
  }
  const field = `([^${p.OPTIONS_SEPARATOR}]*)`;
  out.set('EO_PATTERN', `^${p.ENQUEUE_OPTIONS.map(() => field).join(p.OPTIONS_SEPARATOR)}$`);
  // A compact record's last field is the rest of the text; its extras are split at LIST_SEPARATOR.
  p.COMPACT_RECORD.forEach((name, i) => out.set(`CR_${snake(name)}`, i + 1));
  // The sequence number and the enqueue time are digits, so a record whose numbers were damaged does not parse.
  const compactField = (name, i) => (i === p.COMPACT_RECORD.length - 1 ? '(.*)' : name === 'seq' || name === 'enqueuedAt' ? '(%d+)' : field);
  out.set('CR_PATTERN', `^${p.COMPACT_RECORD.map(compactField).join(p.OPTIONS_SEPARATOR)}$`);
  p.COMPACT_EXTRAS.forEach((name, i) => out.set(`CX_${snake(name)}`, i + 1));
  if (p.LIST_SEPARATOR.length !== 1 || /[\^$()%.[\]*+\-?]/.test(p.LIST_SEPARATOR)) {
    throw new Error('embed-lua: LIST_SEPARATOR must be one character that is not magic in a Lua pattern');
  }
  out.set('CX_PATTERN', `^${p.COMPACT_EXTRAS.map(() => `([^${p.LIST_SEPARATOR}]*)`).join(p.LIST_SEPARATOR)}$`);
  for (const name of ['LIST_SEPARATOR', 'LEASE_TOKEN_SEPARATOR', 'OCCURRENCE_SEPARATOR', 'REMOVE_AT_ONCE', 'DEPENDENCY_FAILURE_RUN', 'ENQUEUE_REFUSED', 'FETCH_SKIP_LIMIT', 'EVENT_GROUP_MAX', 'WATCH_EVENT_SCAN', 'THROUGHPUT_TTL_MS', 'THROUGHPUT_MAX_MINUTES', 'HISTORY_FIELD_SEPARATOR', 'HISTORY_RUNS_KEPT', 'OPTIONS_SEPARATOR', 'PAYLOAD_PART_BYTES', 'PAYLOAD_INLINE_PARTS', 'PRIORITY_ZERO_LEVEL', 'COMPACT_PAYLOAD_MAX', 'ENDED_DEPENDENTS_MAX']) {
    out.set(name, p[name]);
  }
  for (const [reply, layout] of Object.entries(p.REPLIES)) {
    const r = `REPLY_${snake(reply)}`;
    layout.head.forEach((field, i) => out.set(`${r}_${snake(field)}`, i + 1));
    if (layout.row) {
      out.set(`${r}_ROW_FIRST`, layout.head.length + 1);
      out.set(`${r}_ROW_WIDTH`, layout.row.length);
      layout.row.forEach((field, i) => out.set(`${r}_ROW_${snake(field)}`, i));
    }
  }
  return out;
}

/** Constants of one script's own layout: its KEYS and ARGV positions. */
function layoutConstants(layout) {
  const out = new Map();
  layout.keys.forEach((key, i) => out.set(`KEY_${snake(key)}`, i + 1));
  layout.args.forEach((arg, i) => out.set(`ARG_${snake(arg)}`, i + 1));
  if (layout.row) {
    out.set('ROW_FIRST', layout.args.length + 1);
    out.set('ROW_WIDTH', layout.row.length);
    layout.row.forEach((field, i) => out.set(`ROW_${snake(field)}`, i));
  }
  return out;
}

function resolveIncludes(text, seen = new Set()) {
  return text.replace(/^--@include (\w[\w-]*)\s*$/gm, (_, name) => {
    if (seen.has(name)) return '';
    seen.add(name);
    return resolveIncludes(readFileSync(join(luaDir, 'includes', `${name}.lua`), 'utf8'), seen);
  });
}

/**
 * Removes the top-level local functions that nothing else in the script names,
 * until none is left: an include brings every helper of its file, and each run
 * of a script creates a closure for every local function it defines, used or
 * not (about 700 instructions each, measured with callgrind on redis-server).
 * A top-level function starts with `local function name(` at the start of a
 * line and ends at the first line that is `end` alone; a line between them
 * that starts at column 0 breaks that convention and fails the build, so the
 * removal can never cut a function in the wrong place.
 */
function dropUnusedFunctions(text, file) {
  for (;;) {
    const lines = text.split('\n');
    const defs = [];
    for (let i = 0; i < lines.length; i += 1) {
      const m = /^local function (\w+)\s*\(/.exec(lines[i]);
      if (!m) continue;
      let end = i + 1;
      while (end < lines.length && lines[end].trimEnd() !== 'end') {
        if (/^\S/.test(lines[end])) {
          throw new Error(`embed-lua: ${file}: in function ${m[1]}, line ${JSON.stringify(lines[end])} starts at column 0 before its 'end'`);
        }
        end += 1;
      }
      if (end === lines.length) throw new Error(`embed-lua: ${file}: function ${m[1]} has no 'end' at column 0`);
      defs.push({ name: m[1], from: i, to: end });
      i = end;
    }
    const unused = defs.find((d) => {
      const rest = [...lines.slice(0, d.from), ...lines.slice(d.to + 1)].join('\n');
      return !identifiers(rest).has(d.name);
    });
    if (!unused) return text;
    lines.splice(unused.from, unused.to - unused.from + 1);
    text = lines.join('\n');
  }
}

/** The identifiers of a Lua text outside comments and string literals. */
function identifiers(text) {
  const names = new Set();
  mapNames(text, (word) => {
    names.add(word);
    return word;
  });
  return names;
}

/**
 * Calls `onName` for every upper-case identifier of a Lua text outside
 * comments and string literals, and returns the text with each replaced by
 * what `onName` returns.
 */
function mapUpperCaseNames(text, onName) {
  return mapNames(text, (word) => (/^[A-Z][A-Z0-9_]*$/.test(word) && word !== 'KEYS' && word !== 'ARGV' ? onName(word) : word));
}

/** mapUpperCaseNames for every identifier. */
function mapNames(text, onName) {
  let out = '';
  for (let i = 0; i < text.length; ) {
    const c = text[i];
    let end = i + 1;
    if (c === '-' && text[i + 1] === '-') {
      end = text.indexOf('\n', i);
      if (end < 0) end = text.length;
    } else if (c === "'" || c === '"') {
      while (end < text.length && text[end] !== c) end += text[end] === '\\' ? 2 : 1;
      end += 1;
    } else if (/[A-Za-z_]/.test(c)) {
      while (end < text.length && /\w/.test(text[end])) end += 1;
      const word = text.slice(i, end);
      out += onName(word);
      i = end;
      continue;
    }
    out += text.slice(i, end);
    i = end;
  }
  return out;
}

const protocol = loadProtocol();
const shared = sharedConstants(protocol);
const camel = (file) => file.replace(/\.lua$/, '').replace(/-(\w)/g, (_, c) => c.toUpperCase());
const files = readdirSync(luaDir).filter((f) => f.endsWith('.lua')).sort();
const scripts = {};
for (const file of files) {
  const name = camel(file);
  const layout = protocol.SCRIPTS[name];
  if (!layout) throw new Error(`embed-lua: ${file} has no layout in SCRIPTS (lib/redis/protocol.ts)`);
  const expanded = dropUnusedFunctions(resolveIncludes(readFileSync(join(luaDir, file), 'utf8')), file);
  const own = layoutConstants(layout);
  const unknown = new Set();
  // Inlined as literals rather than declared as locals: every run of a script
  // re-creates its local functions, and each local they capture would cost an
  // upvalue per run.
  scripts[name] = mapUpperCaseNames(expanded, (word) => {
    const value = own.has(word) ? own.get(word) : shared.get(word);
    if (value === undefined) unknown.add(word);
    return lua(value);
  });
  if (unknown.size > 0) throw new Error(`embed-lua: ${file} uses ${[...unknown].join(', ')}, which lib/redis/protocol.ts does not define`);
}
for (const name of Object.keys(protocol.SCRIPTS)) {
  if (!scripts[name]) throw new Error(`embed-lua: SCRIPTS.${name} has no script file in lib/redis/lua/`);
}

const version = createHash('sha256').update(JSON.stringify(scripts)).digest('hex').slice(0, 10);
const entries = Object.entries(scripts).map(([name, text]) => `  ${name}: ${JSON.stringify(text)},`);
const out =
  `// Generated by scripts/embed-lua.mjs from lib/redis/lua/*.lua and lib/redis/protocol.ts. Do not edit.\n` +
  `/** A hash of every script text: it names the scripts on Redis, so two library versions never mix. */\n` +
  `export const SCRIPT_VERSION = '${version}';\n\n` +
  // Typed by name only: as a const literal, every script's text would be repeated in the built .d.ts files
  // (400 KB each, in every install), though nothing reads the text's type.
  `export const LUA_SCRIPTS: { readonly [name in ${Object.keys(scripts).map((name) => `'${name}'`).join(' | ')}]: string } = {\n${entries.join('\n')}\n};\n`;
// Written only when it changed, and by a rename: a build started by one jest
// worker must not truncate the file under another worker that is loading it.
const target = join(luaDir, 'scripts.generated.ts');
if (!existsSync(target) || readFileSync(target, 'utf8') !== out) {
  const temp = `${target}.${process.pid}.tmp`;
  writeFileSync(temp, out);
  renameSync(temp, target);
}
