#!/usr/bin/env node
// The `nestjs-redis-tasks` command (package.json "bin"). Nest's decorators
// need the Reflect metadata API before any of the library loads.
import 'reflect-metadata';
import { runCli } from './cli.js';

/** Writes and exits once the writes are flushed: the tool's connections are closed, so nothing else is pending. */
function exit(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

// A reader that stops early (`| head`) closes the pipe: that ends the output, it is no failure to report.
process.stdout.on('error', (error: NodeJS.ErrnoException) => process.exit(error.code === 'EPIPE' ? 0 : 1));

runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  env: process.env,
}).then(exit, (error: unknown) => {
  process.stderr.write(`nestjs-redis-tasks: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`);
  exit(1);
});
