import { spawn, type ChildProcess } from 'node:child_process';
import { parseResult } from './result-line.js';

export interface ChildOutcome {
  metrics: Record<string, number> | null;
  /** Why there are no metrics: exit code or timeout, and the first lines of stderr (the error message). */
  error: string | null;
  /** What the child wrote to stderr: the first 2,000 characters and the last 2,000. */
  stderr: string;
  seconds: number;
}

let running: { child: ChildProcess; closed: Promise<void> } | null = null;

/** Kills the scenario process running now, if any (on Ctrl-C), and waits until it is gone. */
export async function killRunningChild(): Promise<void> {
  if (!running) return;
  running.child.kill('SIGKILL');
  await running.closed;
}

/** Runs one scenario in a fresh Node process and reads its result line. */
export function runChild(script: string, args: string[], timeoutMs: number): Promise<ChildOutcome> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    running = { child, closed: new Promise((closed) => child.once('close', () => closed())) };
    let stdout = '';
    let head = '';
    let tail = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      if (head.length < 2_000) head += text.slice(0, 2_000 - head.length);
      tail = (tail + text).slice(-2_000);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      running = null;
      const seconds = (Date.now() - started) / 1000;
      const stderr = head.length < 2_000 ? head : `${head}\n...\n${tail}`;
      let metrics: Record<string, number> | null = null;
      try {
        metrics = parseResult(stdout);
      } catch {
        metrics = null;
      }
      if (metrics && code === 0) return resolve({ metrics, error: null, stderr, seconds });
      const why = timedOut ? `killed after ${timeoutMs / 1000} s` : `exit ${code ?? signal}`;
      const message = stderr.trim().split('\n').slice(0, 3).join(' | ') || '(no stderr)';
      resolve({ metrics: null, error: `${why}: ${message}`, stderr, seconds });
    });
  });
}
