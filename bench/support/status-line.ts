/** One live status line on stderr, rewritten in place with a carriage return. */
export class StatusLine {
  private width = 0;
  private readonly started = Date.now();

  update(text: string): void {
    const line = `${elapsed(Date.now() - this.started)} ${text}`;
    process.stderr.write(`\r${line.padEnd(this.width)}`);
    this.width = line.length;
  }

  clear(): void {
    if (this.width === 0) return;
    process.stderr.write(`\r${' '.repeat(this.width)}\r`);
    this.width = 0;
  }
}

function elapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `[${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s]`;
}
