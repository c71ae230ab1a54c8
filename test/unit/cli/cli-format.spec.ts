import { integerOption, locateCommand, parseCommandLine } from '../../../lib/cli/cli-args.js';
import { UsageError } from '../../../lib/cli/cli-errors.js';
import { listCommand } from '../../../lib/cli/commands/list.command.js';
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
    expect(locateCommand(['--url', 'redis://h:1', '--json', 'list', 'q'])).toEqual({ name: 'list', help: false, version: false });
    expect(locateCommand(['-h'])).toEqual({ name: null, help: true, version: false });
    expect(locateCommand(['--version'])).toEqual({ name: null, help: false, version: true });
    expect(parseCommandLine(listCommand, ['list', 'q', 'dead', '--limit', '5', '--json'])).toEqual({
      args: ['q', 'dead'], values: { limit: '5', json: true },
    });
    expect(() => parseCommandLine(listCommand, ['list', 'q', 'dead', '--delayed'])).toThrow(new UsageError("list: unknown option '--delayed'"));
    expect(() => parseCommandLine(listCommand, ['list', 'q', 'dead', '--prefix', 'a', '--prefix=b'])).toThrow(new UsageError('list: --prefix is given more than once'));
    expect(integerOption('list', { limit: '1000' }, 'limit', 20, 1, 1_000)).toBe(1_000);
    expect(integerOption('list', {}, 'limit', 20, 1, 1_000)).toBe(20);
    for (const bad of ['1001', '-1', '2.5', '1e3', '']) expect(() => integerOption('list', { limit: bad }, 'limit', 20, 1, 1_000)).toThrow(UsageError);
  });
});
