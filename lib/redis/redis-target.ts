import type { RedisOptions } from 'ioredis';

/** "host:port" (or the socket path) of a connection setting, never its credentials. */
export function describeRedisTarget(connection: string | RedisOptions): string {
  if (typeof connection === 'string') {
    try {
      const url = new URL(connection);
      return `${url.hostname || '127.0.0.1'}:${url.port || '6379'}`;
    } catch {
      return 'an unparseable Redis URL';
    }
  }
  if (connection.path) return connection.path;
  return `${connection.host ?? '127.0.0.1'}:${connection.port ?? 6379}`;
}

/** The secrets a connection setting carries, to scrub from any message that might echo them. */
export function redisSecrets(connection: string | RedisOptions): string[] {
  const secrets: string[] = [];
  if (typeof connection === 'string') {
    try {
      const url = new URL(connection);
      for (const part of [url.password, url.username]) {
        if (!part) continue;
        secrets.push(part);
        try {
          secrets.push(decodeURIComponent(part));
        } catch {
          // A malformed escape: the raw form is already scrubbed.
        }
      }
      secrets.push(connection);
    } catch {
      secrets.push(connection);
    }
  } else {
    if (connection.password) secrets.push(connection.password);
    if (connection.username) secrets.push(connection.username);
  }
  return secrets.filter((s) => s.length > 0);
}

/** `text` with every secret replaced by '***'. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join('***');
  return out;
}
