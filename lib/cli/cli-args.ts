import { parseArgs } from 'node:util';
import type { CliCommand, CommandInput, CommandOptions } from './cli-command.js';
import { UsageError } from './cli-errors.js';

/** Options every command takes. */
export const GLOBAL_OPTIONS = {
  url: { type: 'string' },
  cluster: { type: 'boolean' },
  prefix: { type: 'string' },
  timeout: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies CommandOptions;

/** The command name and where it stands, found before the command's own options are known. */
export interface Located {
  /** The first argument that is not an option, or null when there is none. */
  name: string | null;
  /** Whether `--help` or `-h` was given anywhere. */
  help: boolean;
  /** Whether `--version` was given anywhere (it means something only without a command). */
  version: boolean;
  /** The first option given as written that is neither a global one nor `--version` (`-v`), or null. */
  unknownOption: string | null;
}

/**
 * Finds the command name: the first argument that is not an option (options
 * may come before it). Only the global options are known here, so an option
 * that takes a value must be written `--opt=value` or after the command.
 */
export function locateCommand(argv: readonly string[]): Located {
  const { tokens } = parseArgs({ args: [...argv], options: GLOBAL_OPTIONS, strict: false, allowPositionals: true, tokens: true });
  const first = tokens.find((token) => token.kind === 'positional');
  const help = tokens.some((token) => token.kind === 'option' && token.name === 'help');
  const version = tokens.some((token) => token.kind === 'option' && token.name === 'version');
  const unknown = tokens.find((token) => token.kind === 'option' && token.name !== 'version' && !Object.hasOwn(GLOBAL_OPTIONS, token.name));
  return { name: first?.kind === 'positional' ? first.value : null, help, version, unknownOption: unknown?.kind === 'option' ? unknown.rawName : null };
}

/**
 * Parses a command line strictly against the command's options and the
 * global ones: an unknown option, a missing value or a wrong number of
 * arguments is a UsageError naming what was wrong.
 */
export function parseCommandLine(command: CliCommand, argv: readonly string[]): CommandInput {
  let parsed: ReturnType<typeof parseArgs<{ options: CommandOptions; strict: true; allowPositionals: true; tokens: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: { ...GLOBAL_OPTIONS, ...command.options }, strict: true, allowPositionals: true, tokens: true });
  } catch (error) {
    throw new UsageError(`${command.name}: ${usageMessage(error, command, argv)}`);
  }
  // parseArgs keeps the last of a repeated option: `--prefix a --prefix b` would silently act on b.
  const seen = new Set<string>();
  for (const token of parsed.tokens) {
    if (token.kind !== 'option') continue;
    if (seen.has(token.name)) throw new UsageError(`${command.name}: --${token.name} is given more than once`);
    seen.add(token.name);
  }
  const args = parsed.positionals.slice(1);
  const { min, max } = command.arity;
  if (args.length < min) {
    const got = args.length === 0 ? 'none' : `${args.length}`;
    throw new UsageError(`${command.name}: expects ${min === max ? min : `at least ${min}`} argument${min === 1 ? '' : 's'}, got ${got}`);
  }
  if (args.length > max) throw new UsageError(`${command.name}: unexpected argument '${args[max]}'`);
  return { args, values: parsed.values };
}

/**
 * util.parseArgs' message in lower case, its advice about `--` in the tool's
 * words, and only where it can apply: a single-dash word given to a command
 * that takes arguments may be an argument that starts with '-' (a task id:
 * `show -- -rf`). The example shows the word as typed, not the one letter
 * parseArgs names.
 */
function usageMessage(error: unknown, command: CliCommand, argv: readonly string[]): string {
  // Read by shape: an error from another realm (a test's vm context) is no `instanceof Error` here.
  const raw = (error as { message?: unknown } | null)?.message;
  const text = typeof raw === 'string' ? raw : String(error);
  const letter = /^Unknown option '(-[^-])/.exec(text)?.[1];
  let advice = '';
  if (letter !== undefined && command.arity.max > 0) {
    const end = argv.indexOf('--');
    const word = (end === -1 ? argv : argv.slice(0, end)).find((arg) => arg.startsWith(letter)) ?? letter;
    advice = `; an argument that starts with '-' goes after -- (options before it), as in '${command.name} -- ${word}'`;
  }
  const message = text.replace(/\. To specify a positional argument starting with a '-'.*$/s, '').trim();
  return `${message.charAt(0).toLowerCase()}${message.slice(1)}${advice}`;
}

/** An option value that must be a whole number from `min` to `max`; `fallback` when it is absent. */
export function integerOption(command: string, values: CommandInput['values'], name: string, fallback: number, min: number, max: number): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const value = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
    throw new UsageError(`${command}: --${name} must be a whole number ${range}, got '${String(raw)}'`);
  }
  return value;
}

/** Milliseconds per unit of a duration option. */
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** An option value that is a span of time: a whole number of ms, or of a unit (90s, 15m, 2h, 7d); `fallback` when absent. */
export function durationOption(command: string, values: CommandInput['values'], name: string, fallback: number): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const match = typeof raw === 'string' ? /^(\d+)(ms|s|m|h|d)?$/.exec(raw) : null;
  const ms = match ? Number(match[1]) * UNIT_MS[(match[2] ?? 'ms') as keyof typeof UNIT_MS] : NaN;
  if (!Number.isSafeInteger(ms)) {
    throw new UsageError(`${command}: --${name} must be a duration such as 90s, 15m, 2h or 7d, or a whole number of ms, got '${String(raw)}'`);
  }
  return ms;
}

/** A string option's value, or undefined when absent. */
export function stringOption(values: CommandInput['values'], name: string): string | undefined {
  const raw = values[name];
  return typeof raw === 'string' ? raw : undefined;
}
