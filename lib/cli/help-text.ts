import { DEFAULTS } from '../config/defaults.js';
import type { CliCommand } from './cli-command.js';
import { CLI_COMMAND_TIMEOUT_MS, CLI_TIMEOUT_RANGE_MS } from './cli-connection.js';
import { COMMANDS } from './commands/command-list.js';

/** The tool's name, as `npx` and `node_modules/.bin` know it. */
export const BIN = 'nestjs-redis-tasks';

/** The global options, described once for every help text. */
const GLOBAL_HELP = [
  'Options of every command:',
  '  --url <redis url>   the Redis to use (default: $REDIS_URL, else redis://127.0.0.1:6379)',
  '  --cluster           the URL names a node of a Redis Cluster (the others are found from it)',
  `  --prefix <prefix>   the key prefix of the app's TaskModule (default '${DEFAULTS.prefix}')`,
  `  --timeout <ms>      how long one Redis call may go unanswered before the command fails (${CLI_TIMEOUT_RANGE_MS.min} to ${CLI_TIMEOUT_RANGE_MS.max}, default ${CLI_COMMAND_TIMEOUT_MS})`,
  '  --json              print one JSON document on stdout instead of a table',
  '  -h, --help          print the help of the command',
];

/** What `--help` without a command prints: every command with its summary. */
export function generalHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    `Usage: ${BIN} <command> [arguments] [--url <redis url>] [--prefix <prefix>] [--json]`,
    '',
    'Inspects and operates the queues of nestjs-redis-tasks on Redis. It starts no worker and fires no schedule.',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    ...GLOBAL_HELP,
    '',
    `Run '${BIN} <command> --help' for a command's arguments, '${BIN} --version' for the version. Exit codes: 0 done, 1 failed, 2 wrong usage.`,
  ].join('\n');
}

/** What `<command> --help` prints: its usage, its own options, then the global ones. */
export function commandHelp(command: CliCommand): string {
  return [`Usage: ${BIN} ${command.usage}`, '', `${capitalised(command.summary)}.`, '', ...command.help, '', ...GLOBAL_HELP].join('\n');
}

/** The one usage line shown under a usage error. */
export function usageLine(command: CliCommand | undefined): string {
  return command ? `Usage: ${BIN} ${command.usage} (see --help)` : `Usage: ${BIN} <command> [arguments] (see --help)`;
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
