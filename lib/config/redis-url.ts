import { InvalidTaskOptionsError } from '../errors/invalid-task-options.error.js';
import type { RedisOptions } from './connection-options.js';

/** What a parsed Redis URL gives: ioredis options, and the credentials it held (to scrub from messages). */
export interface ParsedRedisUrl {
  options: RedisOptions;
  secrets: string[];
  /** "host:port", never the credentials. */
  target: string;
}

const ENCODING_HINT =
  'check the port (1 to 65535) and percent-encode reserved characters of the user name and password ' +
  "('/' as %2F, '#' as %23, '@' as %40, '%' as %25, '?' as %3F, ':' as %3A)";

/**
 * Parses a `redis://` or `rediss://` URL into ioredis options, so ioredis never
 * parses it (its parse failures, and Node's `TypeError: Invalid URL`, carry the
 * whole URL, password included). Every error here names `where` and never
 * shows the URL: it may hold a password.
 */
export function parseRedisUrl(text: string, where: string): ParsedRedisUrl {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
  if (scheme !== 'redis' && scheme !== 'rediss') {
    const got = scheme ? `a ${scheme}:// URL` : 'a string that is not a redis:// URL';
    throw new InvalidTaskOptionsError(`${where}: a Redis URL must start with redis:// or rediss://, got ${got} (not shown: it may hold a password)`);
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InvalidTaskOptionsError(`${where}: the Redis URL cannot be parsed (not shown: it may hold a password); ${ENCODING_HINT}`);
  }
  const secrets = [text];
  const decode = (part: string, what: string): string => {
    if (part === '') return '';
    secrets.push(part);
    try {
      const decoded = decodeURIComponent(part);
      secrets.push(decoded);
      return decoded;
    } catch {
      throw new InvalidTaskOptionsError(`${where}: the ${what} in the Redis URL is not validly percent-encoded (not shown); ${ENCODING_HINT}`);
    }
  };
  const password = decode(url.password, 'password');
  // 'default' is Redis' implicit user: not a secret, and a common word in messages.
  const username = url.username === 'default' ? 'default' : decode(url.username, 'user name');
  if (url.search !== '' || url.hash !== '') {
    throw new InvalidTaskOptionsError(
      `${where}: the Redis URL has a ${url.search ? 'query string' : "'#' fragment"}, which is not accepted (put options beside it as ` +
        `{ url, ...options }); a '#' or '?' in the password must be written %23 or %3F`,
    );
  }
  const port = url.port === '' ? 6379 : Number(url.port);
  if (port < 1) throw new InvalidTaskOptionsError(`${where}: the Redis URL's port must be from 1 to 65535`);
  const path = url.pathname.replace(/^\//, '');
  if (path !== '' && !/^\d{1,2}$/.test(path)) {
    // The path is not shown: a '/' in an unescaped password puts the rest of it there.
    throw new InvalidTaskOptionsError(`${where}: the Redis URL's path must be a database number such as /0 (not shown: it may hold a password); ${ENCODING_HINT}`);
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1';
  const options: RedisOptions = { host, port };
  if (username) options.username = username;
  if (password) options.password = password;
  if (path !== '') options.db = Number(path);
  if (scheme === 'rediss') options.tls = {};
  return { options, secrets: secrets.filter((s) => s.length > 0), target: `${url.hostname || '127.0.0.1'}:${port}` };
}
