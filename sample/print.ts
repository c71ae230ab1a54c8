const startedAt = Date.now();

/** One readable, timestamped line of the sample's output. */
export function printLine(text: string): void {
  const t = ((Date.now() - startedAt) / 1000).toFixed(2).padStart(6);
  process.stdout.write(`[${t}s] ${text}\n`);
}
