import type { LoggerService } from '@nestjs/common';
import { inspect } from 'node:util';

/** Every line any Nest logger writes, with all its arguments. */
export class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  private capture(level: string, args: unknown[]) {
    this.lines.push(`${level} ${args.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: 5 }))).join(' ')}`);
  }
  log = (...args: unknown[]) => this.capture('log', args);
  error = (...args: unknown[]) => this.capture('error', args);
  warn = (...args: unknown[]) => this.capture('warn', args);
  debug = (...args: unknown[]) => this.capture('debug', args);
  verbose = (...args: unknown[]) => this.capture('verbose', args);
  fatal = (...args: unknown[]) => this.capture('fatal', args);
}
