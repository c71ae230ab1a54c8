import type { ParseArgsConfig } from 'node:util';
import type { TaskQueue } from '../producer/task-queue.js';

/** Options a command accepts besides the global ones, in util.parseArgs form. */
export type CommandOptions = NonNullable<ParseArgsConfig['options']>;

/** Parsed option values: strings, and booleans for flags (arrays only for an option declared `multiple`, which none is). */
export type OptionValues = Readonly<Record<string, string | boolean | Array<string | boolean> | undefined>>;

/** A command line after parsing: its arguments after the command name, and its option values. */
export interface CommandInput {
  args: readonly string[];
  values: OptionValues;
}

/** Where a command runs, for its messages: an operator with the wrong --prefix or --url sees it at once. */
export interface Place {
  /** The key prefix (`--prefix`, or the library's default). */
  prefix: string;
  /** "Redis at host:port" or "Redis Cluster via host:port, ...": never credentials. */
  redis: string;
  /**
   * Redis's clock, epoch ms: the times the store wrote (enqueued, seen, due) are store time, so their
   * "ago" and "in" are measured against it, not against this machine's clock, which may be minutes off.
   */
  now(): Promise<number>;
}

/** What a command prints: one JSON document with `--json`, text otherwise. */
export interface CommandResult {
  json: unknown;
  text: string;
}

/** One command of the tool: its help, its options and what it does through TaskQueue. */
export interface CliCommand {
  name: string;
  /** One line for the list of commands. */
  summary: string;
  /** The usage line, after the tool's name. */
  usage: string;
  /** Lines of `--help` after the usage: arguments and options. */
  help: readonly string[];
  options: CommandOptions;
  /** How many arguments it takes after its name. */
  arity: { min: number; max: number };
  /** Whether it changes queues or schedules: a call Redis did not answer may then still take effect. */
  changes: boolean;
  run(queue: TaskQueue, input: CommandInput, place: Place): Promise<CommandResult>;
}
