import { connect, createServer, type Server } from 'node:net';

/** A command as a client sent it: its verb and arguments, byte for byte. */
export type Command = Buffer[];

/** Reads RESP request arrays of bulk strings (what clients send) from a byte stream. */
class RequestReader {
  private buffer = Buffer.alloc(0);
  constructor(private readonly onCommand: (command: Command) => void) {}

  push(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const parsed = this.parse();
      if (!parsed) return;
      this.buffer = this.buffer.subarray(parsed.end);
      this.onCommand(parsed.command);
    }
  }

  private parse(): { command: Command; end: number } | null {
    const line = (from: number) => {
      const end = this.buffer.indexOf('\r\n', from);
      return end < 0 ? null : { text: this.buffer.toString('latin1', from, end), next: end + 2 };
    };
    const head = line(0);
    if (!head) return null;
    if (!head.text.startsWith('*')) throw new Error(`the proxy expected a RESP array, got ${JSON.stringify(head.text.slice(0, 20))}`);
    const command: Command = [];
    let at = head.next;
    for (let i = 0; i < Number(head.text.slice(1)); i++) {
      const size = line(at);
      if (!size) return null;
      const length = Number(size.text.slice(1));
      if (this.buffer.length < size.next + length + 2) return null;
      command.push(this.buffer.subarray(size.next, size.next + length));
      at = size.next + length + 2;
    }
    return { command, end: at };
  }
}

/** A TCP proxy in front of `port` that hands every command its clients send to `onCommand`. */
export async function recordingProxy(port: number, onCommand: (command: Command) => void): Promise<{ port: number; server: Server }> {
  const server = createServer((client) => {
    const upstream = connect(port, '127.0.0.1');
    const reader = new RequestReader(onCommand);
    client.on('data', (chunk) => {
      reader.push(chunk);
      upstream.write(chunk);
    });
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { port: typeof address === 'object' && address ? address.port : 0, server };
}
