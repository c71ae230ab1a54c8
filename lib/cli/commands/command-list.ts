import type { CliCommand } from '../cli-command.js';
import { cancelCommand } from './cancel.command.js';
import { cleanCommand } from './clean.command.js';
import { countsCommand } from './counts.command.js';
import { drainCommand } from './drain.command.js';
import { listCommand } from './list.command.js';
import { pauseCommand, resumeCommand } from './pause-resume.command.js';
import { promoteCommand } from './promote.command.js';
import { queuesCommand } from './queues.command.js';
import { removeCommand } from './remove.command.js';
import { retryCommand } from './retry.command.js';
import { schedulesCommand } from './schedules.command.js';
import { showCommand } from './show.command.js';
import { throughputCommand } from './throughput.command.js';
import { unscheduleCommand } from './unschedule.command.js';
import { workersCommand } from './workers.command.js';

/** Every command of the tool, in the order the help lists them. */
export const COMMANDS: readonly CliCommand[] = [
  queuesCommand, countsCommand, listCommand, showCommand, throughputCommand, retryCommand, promoteCommand, cancelCommand,
  removeCommand, cleanCommand, pauseCommand, resumeCommand, drainCommand, workersCommand, schedulesCommand, unscheduleCommand,
];

/** The command of that name, or undefined. */
export function findCommand(name: string): CliCommand | undefined {
  return COMMANDS.find((command) => command.name === name);
}
