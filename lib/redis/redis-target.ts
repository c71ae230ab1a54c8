import type { RedisConnection } from '../config/connection-options.js';

/** "host:port" (or the socket path) of a connection setting, never its credentials. */
export function describeRedisTarget(connection: RedisConnection): string {
  if (typeof connection !== 'string' && connection.url) return describeRedisTarget(connection.url);
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
export function redisSecrets(connection: RedisConnection): string[] {
  const secrets: string[] = [];
  if (typeof connection === 'string') {
    try {
      const url = new URL(connection);
      // 'default' is Redis' implicit user, not a secret, and a common word in messages.
      for (const part of [url.password, url.username === 'default' ? '' : url.username]) {
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
    if (connection.url) secrets.push(...redisSecrets(connection.url));
    if (connection.password) secrets.push(connection.password);
    if (connection.username && connection.username !== 'default') secrets.push(connection.username);
  }
  return secrets.filter((s) => s.length > 0);
}

/** `text` with every secret replaced by '***'. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join('***');
  return out;
}
