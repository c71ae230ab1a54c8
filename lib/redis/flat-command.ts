import { constants } from 'node:buffer';
import { Command } from 'ioredis';
import type { RedisClient } from './redis-client.js';

/** V8's longest string, in UTF-16 code units. */
const MAX_STRING_LENGTH = constants.MAX_STRING_LENGTH;

/** An argument as Redis receives it. */
export type FlatArg = string | number;

/**
 * Sends a command whose arguments are one flat list already, with replies as
 * strings (as ioredis's own command methods give them).
 *
 * ioredis's Command flattens the list it is given with Array.prototype.flat,
 * which V8 runs on a generic slow path: about 85 ns per argument hot, and
 * 5-6 µs for the 30 arguments of a fetch when run cold, as at a few hundred
 * tasks a second (node 20). Every enqueue, fetch and settle paid it. The
 * list is handed over after construction instead, as the strings the
 * constructor would have made of it; only commands without an argument
 * transformer in ioredis (EVALSHA, EVAL, BZPOPMIN) may be sent this way.
 */
export function sendFlatCommand(client: RedisClient, name: string, args: readonly FlatArg[]): Promise<unknown> {
  // As strings: the constructor, which would have turned numbers into text, has run.
  const strings = new Array<string>(args.length);
  let chars = 0;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const text = typeof arg === 'string' ? arg : String(arg);
    strings[i] = text;
    chars += text.length;
  }
  // ioredis writes a command as one string: one longer than V8 can make throws, from sendCommand or, for a
  // command queued while connecting, later inside ioredis, where the command would never settle.
  if (chars + RESP_CHARS_PER_ARG * (args.length + 1) > MAX_STRING_LENGTH) return Promise.reject(new CommandTooLargeError(name, args.length, chars));
  const command = new Command(name, [], { replyEncoding: 'utf8' });
  command.args = strings;
  // sendCommand rejects the command itself when it cannot be sent (a closed connection).
  void client.sendCommand(command);
  return command.promise;
}

/** Room for each argument's RESP framing ("$<length>\r\n" and "\r\n") in the command's text, with some to spare. */
const RESP_CHARS_PER_ARG = 16;

/** A command whose text is longer than one JavaScript string can be: nothing of it was sent. */
export class CommandTooLargeError extends Error {
  constructor(name: string, args: number, chars: number) {
    super(`the ${name.toUpperCase()} call is too large to send (${args} arguments, ${chars} characters: one command is at most ${MAX_STRING_LENGTH} characters of text)`);
    this.name = 'CommandTooLargeError';
  }
}
