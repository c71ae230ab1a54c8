/** The line a scenario process prints its figures on: `BENCH_RESULT {"metric":value,...}`. */
export const RESULT_MARKER = 'BENCH_RESULT ';

/** The metrics from a scenario's stdout, or null when it printed none. */
export function parseResult(stdout: string): Record<string, number> | null {
  const line = stdout.split('\n').reverse().find((l) => l.startsWith(RESULT_MARKER));
  return line ? (JSON.parse(line.slice(RESULT_MARKER.length)) as Record<string, number>) : null;
}
