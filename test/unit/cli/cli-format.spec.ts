import { durationOption, integerOption, locateCommand, parseCommandLine } from '../../../lib/cli/cli-args.js';
import { UsageError } from '../../../lib/cli/cli-errors.js';
import { listCommand } from '../../../lib/cli/commands/list.command.js';
import { terminalSafe } from '../../../lib/cli/terminal-text.js';
import { displayWidth } from '../../../lib/cli/display-width.js';
import { cell, textTable } from '../../../lib/cli/text-table.js';
import { absoluteTime, relativeTime } from '../../../lib/cli/time-format.js';

// The command line tool's pure parts: tables, times and argument parsing (the
// commands themselves run against Redis in test/e2e/cli-*.spec.ts).

describe('the command line tool: formatting and parsing', () => {
  it('aligns table columns, numbers to the right, with no trailing spaces, and says when a table is empty', () => {
    const text = textTable([{ header: 'ID' }, { header: 'N', right: true }, { header: 'NOTE' }], [['a', '7', ''], ['long-id', '123', 'x']], 'none');
    expect(text.split('\n')).toEqual(['ID         N  NOTE', 'a          7', 'long-id  123  x']);
    expect(textTable([{ header: 'ID' }], [], 'No tasks.')).toBe('No tasks.');
    expect(cell('line one\n   line two', 12)).toBe('line one li…');
  });

  it('keeps columns aligned when a cell holds a tab, a line break or a character it escapes', () => {
    const rows = [['plain', 'x', 'end'], ['tab\there', 'y', 'end'], ['rtl\u202eevil', 'z', 'end'], ['zero\u200bwidth', 'w', 'end'], ['line\nbreak', 'v', 'end']];
    const lines = textTable([{ header: 'A' }, { header: 'B' }, { header: 'C' }], rows, '').split('\n');
    expect(lines).toHaveLength(6);
    expect(lines.join('\n')).not.toMatch(/[\t\u202e\u200b]/);
    // The last column starts at the same place on every line: escapes were measured with the cells.
    expect(new Set(lines.map((line) => line.lastIndexOf(' ') + 1)).size).toBe(1);
    expect(lines[3]).toContain('rtl\\u202eevil');
    expect(cell('Expected:\tfoo\r\n\tgot: bar')).toBe('Expected: foo got: bar');
    // A cut falls on what is printed, and never inside a surrogate pair.
    expect(cell('\u0007'.repeat(10), 13)).toBe('\\u0007\\u0007…');
    expect(cell('abcdefghi😀xyz', 11)).toBe('abcdefghi…');
  });

  it('measures cells in terminal columns: wide CJK characters and emoji take two, accents none', () => {
    const rows = [['plain', '1', 'end'], ['報告書を送る', '22', 'end'], ['📧 send', '333', 'end'], ['👩\u200d💻 dev', '4', 'end'], ['cafe\u0301', '5', 'end']];
    const lines = textTable([{ header: 'NAME' }, { header: 'N', right: true }, { header: 'NOTE' }], rows, '').split('\n');
    // Every line is as wide as the header's up to the last column, counted as a terminal prints it.
    expect(lines.map((line) => displayWidth(line.slice(0, line.lastIndexOf(' ') + 1)))).toEqual([19, 19, 19, 19, 19, 19]);
    expect(lines[0]).toBe('NAME            N  NOTE');
    expect(lines[2]).toBe('報告書を送る   22  end');
    expect(lines[4]).toBe(`👩\u200d💻 dev${' '.repeat(10)}4  end`);
    expect(lines[5]).toBe(`cafe\u0301${' '.repeat(12)}5  end`);
    // Cut to columns, never inside a wide character or a grapheme.
    expect(cell('報告書を送る', 6)).toBe('報告…');
    expect(cell('👩\u200d💻👩\u200d💻👩\u200d💻', 5)).toBe('👩\u200d💻👩\u200d💻…');
    expect(cell('👩\u200d💻👩\u200d💻👩\u200d💻', 4)).toBe('👩\u200d💻…');
    expect(cell('cafe\u0301s', 5)).toBe('cafe\u0301s');
    expect(cell('cafe\u0301s!', 5)).toBe('cafe\u0301…');
    expect(displayWidth('🇫🇷')).toBe(2);
  });

  it('escapes invisible and line-breaking characters, and leaves the zero-width joiners of emoji and scripts', () => {
    for (const c of ['\u200b', '\u200e', '\u200f', '\u061c', '\u2028', '\u2029', '\u2060', '\ufeff', '\u202e', '\u2067', '\u0085', '\u001b']) {
      expect(terminalSafe(`a${c}b`)).toBe(`a\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}b`);
    }
    expect(terminalSafe('👩\u200d💻 \u200c\ttab\nline')).toBe('👩\u200d💻 \u200c\ttab\nline');
    // Escaping twice changes nothing: tables escape their cells, and the whole output is escaped again.
    expect(terminalSafe(terminalSafe('x\u2028y'))).toBe('x\\u2028y');
  });

  it('writes times relative to now in one rounded unit, and absolute ones in ISO 8601 with it', () => {
    const now = Date.UTC(2026, 11, 4, 12, 0, 0);
    expect([500, 59_999, 60_000, 3_599_999, 7_200_000, 2 * 86_400_000 + 1].map((ago) => relativeTime(now - ago, now))).toEqual([
      '0s ago', '59s ago', '1m ago', '59m ago', '2h ago', '2d ago',
    ]);
    expect(relativeTime(now + 90_000, now)).toBe('in 1m');
    expect(relativeTime(null, now)).toBe('-');
    expect(absoluteTime(now - 3_000, now)).toBe('2026-12-04T11:59:57.000Z (3s ago)');
  });

  it('finds the command after global options, and parses its own options strictly', () => {
    expect(locateCommand(['--url', 'redis://h:1', '--json', 'list', 'q'])).toEqual({ name: 'list', help: false, version: false, unknownOption: null });
    expect(locateCommand(['-h'])).toEqual({ name: null, help: true, version: false, unknownOption: null });
    expect(locateCommand(['--version'])).toEqual({ name: null, help: false, version: true, unknownOption: null });
    // An option the tool does not know, given without a command: named as written.
    expect(locateCommand(['-v'])).toEqual({ name: null, help: false, version: false, unknownOption: '-v' });
    expect(parseCommandLine(listCommand, ['list', 'q', 'dead', '--limit', '5', '--json', '--timeout', '2500'])).toEqual({
      args: ['q', 'dead'], values: { limit: '5', json: true, timeout: '2500' },
    });
    expect(() => parseCommandLine(listCommand, ['list', 'q', 'dead', '--delayed'])).toThrow(new UsageError("list: unknown option '--delayed'"));
    // A single-dash word may be a task id that starts with '-': the tool says where such an argument goes.
    expect(() => parseCommandLine(listCommand, ['list', '--json', '-rf', 'dead'])).toThrow(
      new UsageError("list: unknown option '-r'; an argument that starts with '-' goes after -- (options before it), as in 'list -- -rf'"),
    );
    expect(parseCommandLine(listCommand, ['list', '--', '-q', 'dead'])).toEqual({ args: ['-q', 'dead'], values: {} });
    expect(() => parseCommandLine(listCommand, ['list', 'q', 'dead', '--prefix', 'a', '--prefix=b'])).toThrow(new UsageError('list: --prefix is given more than once'));
    expect(integerOption('list', { limit: '1000' }, 'limit', 20, 1, 1_000)).toBe(1_000);
    expect(integerOption('list', {}, 'limit', 20, 1, 1_000)).toBe(20);
    for (const bad of ['1001', '-1', '2.5', '1e3', '']) expect(() => integerOption('list', { limit: bad }, 'limit', 20, 1, 1_000)).toThrow(UsageError);
  });

  it('reads a duration as ms or with a unit, and refuses anything else naming the option', () => {
    const read = (raw: string) => durationOption('clean', { 'older-than': raw }, 'older-than', 0);
    expect(['1500', '250ms', '90s', '15m', '2h', '7d'].map(read)).toEqual([1_500, 250, 90_000, 900_000, 7_200_000, 604_800_000]);
    expect(durationOption('clean', {}, 'older-than', 0)).toBe(0);
    for (const bad of ['', '1.5h', '-5m', '5 m', '2w', 'h', '99999999999999999d']) {
      expect(() => read(bad)).toThrow(new UsageError(`clean: --older-than must be a duration such as 90s, 15m, 2h or 7d, or a whole number of ms, got '${bad}'`));
    }
  });
});
