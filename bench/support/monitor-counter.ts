import { connect, type Socket } from 'node:net';

interface Line {
  source: string;
  command: string;
}

/**
 * Counts the commands one bench run sends, with a MONITOR connection, so other
 * clients of the shared Redis do not count. A connection is the run's when it
 * sent at least one command naming the run's prefix. MONITOR shows a script's
 * inner commands (source "lua") right after the EVAL/EVALSHA that ran them
 * (Redis is single-threaded), so they are charged to that call.
 *
 * - commands: top-level commands plus commands run inside scripts (what INFO
 *   commandstats counts).
 * - round trips: top-level commands, a MULTI ... EXEC block counted once.
 *   Commands sent together in one pipeline still count one each, so this is an
 *   upper bound on network round trips.
 *
 * A plain socket rather than ioredis's monitor(): ioredis enters monitor mode
 * one tick after MONITOR's OK, so on a busy Redis a line arriving in the same
 * packet as the OK makes it fail with "Command queue state error".
 */
export class MonitorCounter {
  private readonly lines: Line[] = [];
  private readonly ours = new Set<string>();
  private buffer = '';

  private constructor(private readonly socket: Socket, private readonly prefix: string) {}

  /** Resolves once Redis has acknowledged MONITOR: every command sent after that is seen. */
  static start(redisUrl: string, prefix: string): Promise<MonitorCounter> {
    const url = new URL(redisUrl);
    const socket = connect({ host: url.hostname || '127.0.0.1', port: Number(url.port || 6379) });
    const counter = new MonitorCounter(socket, prefix);
    const auth = url.password ? resp(url.username ? ['AUTH', decodeURIComponent(url.username), decodeURIComponent(url.password)] : ['AUTH', decodeURIComponent(url.password)]) : '';
    return new Promise((resolve, reject) => {
      let okExpected = url.password ? 2 : 1;
      socket.once('error', reject);
      socket.on('data', (chunk: Buffer) => {
        counter.buffer += chunk.toString('latin1');
        let end: number;
        while ((end = counter.buffer.indexOf('\r\n')) >= 0) {
          const line = counter.buffer.slice(0, end);
          counter.buffer = counter.buffer.slice(end + 2);
          if (okExpected > 0) {
            if (line !== '+OK') return reject(new Error(`MONITOR refused: ${line}`));
            if (--okExpected === 0) resolve(counter);
          } else if (line.startsWith('+')) {
            counter.record(line);
          }
        }
      });
      socket.write(`${auth}${resp(['MONITOR'])}`);
    });
  }

  /** `+<time> [<db> <source>] "<command>" "<arg>" ...` */
  private record(line: string): void {
    const open = line.indexOf('[');
    const close = line.indexOf(']', open);
    const source = line.slice(line.indexOf(' ', open) + 1, close);
    const rest = line.slice(close + 3);
    const command = rest.slice(0, rest.indexOf('"')).toLowerCase();
    this.lines.push({ source, command });
    if (source !== 'lua' && !this.ours.has(source) && rest.includes(this.prefix)) this.ours.add(source);
  }

  stop(): void {
    this.socket.destroy();
  }

  count(): { commands: number; roundTrips: number; connections: number } {
    let commands = 0;
    let roundTrips = 0;
    let current = false;
    const inMulti = new Set<string>();
    for (const { source, command } of this.lines) {
      if (source === 'lua') {
        if (current) commands++;
        continue;
      }
      current = this.ours.has(source);
      if (!current) continue;
      commands++;
      if (command === 'multi') {
        inMulti.add(source);
        roundTrips++;
      } else if (inMulti.has(source)) {
        if (command === 'exec' || command === 'discard') inMulti.delete(source);
      } else {
        roundTrips++;
      }
    }
    return { commands, roundTrips, connections: this.ours.size };
  }
}

function resp(args: string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
}
