#!/usr/bin/env node
// The `nestjs-redis-tasks` command (package.json "bin"). Nest's decorators
// need the Reflect metadata API before any of the library loads.
import 'reflect-metadata';
import { readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runCli } from './cli.js';

/**
 * The version of the package this command file belongs to (dist/<format>/cli/main.js,
 * three levels below its package.json), read only when asked for; undefined
 * when it cannot be read. Found from the running file, which works in both builds.
 */
function packageVersion(): string | undefined {
  try {
    const file = join(dirname(realpathSync(process.argv[1])), '..', '..', '..', 'package.json');
    const { name, version } = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
    return name === 'nestjs-redis-tasks' && typeof version === 'string' ? version : undefined;
  } catch {
    return undefined;
  }
}

/** Writes and exits once the writes are flushed: the tool's connections are closed, so nothing else is pending. */
function exit(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

// A reader that stops early (`| head`) closes the pipe: that ends the output, it is no failure to report.
process.stdout.on('error', (error: NodeJS.ErrnoException) => process.exit(error.code === 'EPIPE' ? 0 : 1));

// ioredis writes a few warnings with console.warn ("Redis server does not require a password, but a
// password was supplied"): on the tool's stderr they would be lines no one could tell came from here.
console.warn = (...parts: unknown[]) => process.stderr.write(`nestjs-redis-tasks: warning from ioredis: ${parts.map(String).join(' ').replace(/^\[WARN\] /, '')}\n`);

runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  env: process.env,
  get version() {
    return packageVersion();
  },
}).then(exit, (error: unknown) => {
  process.stderr.write(`nestjs-redis-tasks: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`);
  exit(1);
});
