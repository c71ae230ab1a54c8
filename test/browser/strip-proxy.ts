import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

// A reverse proxy as an operator puts in front of the app, in a few lines of
// node:http: nginx's `location /ops/ { proxy_pass http://app/; }`, which
// strips the prefix and, by default, sends the upstream's own Host.

/** What reached the app through the proxy. */
export interface ProxiedRequest {
  method: string;
  /** The path the app saw (the prefix stripped). */
  path: string;
  /** The Host the app saw: the upstream's, not the one the browser used. */
  host: string;
  secFetchSite: string | undefined;
}

/** A running proxy: `origin` serves `target` under `prefix`. */
export interface StripProxy {
  origin: string;
  seen: ProxiedRequest[];
  /** Paths asked for outside the prefix (answered 404): the browser's own requests, such as /favicon.ico. */
  outside: string[];
  close(): Promise<void>;
}

/** Starts a proxy that serves `target` (an origin) under `prefix` (e.g. '/ops'), stripping it and rewriting Host; anything else is a 404. */
export async function startStripProxy(target: string, prefix: string): Promise<StripProxy> {
  const upstream = new URL(target);
  const seen: ProxiedRequest[] = [];
  const outside: string[] = [];
  const server = createServer((incoming, reply) => {
    const url = incoming.url ?? '/';
    if (!url.startsWith(`${prefix}/`)) {
      outside.push(url);
      reply.writeHead(404).end();
      return;
    }
    const path = url.slice(prefix.length);
    const site = incoming.headers['sec-fetch-site'];
    seen.push({ method: incoming.method ?? 'GET', path, host: upstream.host, secFetchSite: Array.isArray(site) ? site[0] : site });
    const forwarded = request({ host: upstream.hostname, port: upstream.port, method: incoming.method, path, headers: { ...incoming.headers, host: upstream.host } }, (answer) => {
      reply.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(reply);
    });
    forwarded.on('error', () => reply.writeHead(502).end());
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    seen,
    outside,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
