import { DEFAULTS } from '../config/defaults.js';
import { checkPrefix } from '../config/option-checks.js';
import { InvalidTaskOptionsError } from '../errors/invalid-task-options.error.js';
import { integerOption, locateCommand, parseCommandLine } from './cli-args.js';
import type { CliCommand, CommandInput, CommandResult } from './cli-command.js';
import { CLI_COMMAND_TIMEOUT_MS, CLI_TIMEOUT_RANGE_MS, redisOf, type SessionSettings } from './cli-connection.js';
import { EXIT, UsageError } from './cli-errors.js';
import { findCommand } from './commands/command-list.js';
import { BIN, commandHelp, generalHelp, usageLine } from './help-text.js';
import { inToolTerms } from './library-errors.js';
import { stallFailure } from './stalled-redis.js';
import { terminalSafe } from './terminal-text.js';

/** The Redis the tool uses when neither `--url` nor REDIS_URL names one. */
export const DEFAULT_URL = 'redis://127.0.0.1:6379';

/** Where the tool writes, and the environment it reads (REDIS_URL). */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  /** The installed package's version, for `--version` (undefined when it could not be read). */
  version?: string;
}

/**
 * Runs one command line and returns the exit code: 0 done, 1 failed (an
 * unreachable Redis, no such task, a task in the wrong state), 2 wrong usage.
 * Output goes to `out` (a table, or one JSON document with --json); every
 * error is one line on `err`.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const located = locateCommand(argv);
  if (located.name === null) {
    if (located.help) return done(io, generalHelp());
    if (located.version) return done(io, io.version ?? 'unknown (the package.json beside the command could not be read)');
    // `-v` for the version, say: named, rather than only "no command given".
    if (located.unknownOption !== null) return usage(io, new UsageError(`unknown option '${located.unknownOption}' and no command given (the version is --version)`), undefined);
    io.err(`${BIN}: no command given\n${generalHelp()}`);
    return EXIT.usage;
  }
  const command = findCommand(located.name);
  if (!command) return usage(io, new UsageError(`unknown command '${located.name}'`), undefined);
  if (located.help) return done(io, commandHelp(command));
  let input: CommandInput;
  let settings: SessionSettings;
  try {
    input = parseCommandLine(command, argv);
    settings = settingsOf(command, input, io);
  } catch (error) {
    if (error instanceof UsageError) return usage(io, error, command);
    throw error;
  }
  try {
    const result = await execute(command, input, settings);
    return done(io, input.values.json === true ? JSON.stringify(result.json, null, 2) : result.text);
  } catch (thrown) {
    const error = stallFailure(thrown, settings, command.changes) ?? thrown;
    if (error instanceof UsageError) return usage(io, error, command);
    // The library's refusal of an argument (a queue name with a brace, a malformed URL) is wrong usage too.
    const said = inToolTerms(error, settings);
    if (said instanceof UsageError) return usage(io, said, command);
    io.err(`${BIN}: ${oneLine(said)}`);
    return EXIT.failure;
  }
}

/** `--url` over REDIS_URL over the default; `--prefix` over the library's default prefix; both checked before connecting, as `--timeout`. */
function settingsOf(command: CliCommand, { values }: CommandInput, io: CliIo): SessionSettings {
  const urlFrom = typeof values.url === 'string' ? '--url' : io.env.REDIS_URL ? 'REDIS_URL' : undefined;
  const url = typeof values.url === 'string' ? values.url : io.env.REDIS_URL || DEFAULT_URL;
  const prefix = typeof values.prefix === 'string' ? prefixOption(command.name, values.prefix) : DEFAULTS.prefix;
  const timeoutMs = integerOption(command.name, values, 'timeout', CLI_COMMAND_TIMEOUT_MS, CLI_TIMEOUT_RANGE_MS.min, CLI_TIMEOUT_RANGE_MS.max);
  return { url, urlFrom, prefix, cluster: values.cluster === true, timeoutMs, readsOnly: !command.changes };
}

/** `--prefix` checked as TaskModule checks its prefix, named as the command line has it (not `TaskModule options: prefix`). */
function prefixOption(command: string, value: string): string {
  try {
    return checkPrefix(value, command, '--prefix');
  } catch (error) {
    if (error instanceof InvalidTaskOptionsError) throw new UsageError(error.message);
    throw error;
  }
}

/** Opens the library's TaskQueue, runs the command through it, and closes every connection, whatever happened. */
async function execute(command: CliCommand, input: CommandInput, settings: SessionSettings): Promise<CommandResult> {
  // Loaded here, so help and usage errors answer without loading Nest.
  const { openSession } = await import('./cli-session.js');
  const session = await openSession(settings);
  const place = { prefix: settings.prefix, redis: redisOf(settings), now: session.now };
  try {
    return await command.run(session.queue, input, place);
  } finally {
    await session.close().catch(() => undefined);
  }
}

function done(io: CliIo, text: string): number {
  io.out(terminalSafe(text));
  return EXIT.ok;
}

function usage(io: CliIo, error: Error, command: CliCommand | undefined): number {
  io.err(`${BIN}: ${oneLine(error)}\n${usageLine(command)}`);
  return EXIT.usage;
}

/** An error's message on one line (the library's messages already leave out credentials). */
function oneLine(error: unknown): string {
  return terminalSafe((error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' '));
}
