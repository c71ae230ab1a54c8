import { InvalidTaskOptionsError } from '../errors/invalid-task-options.error.js';
import type { ClusterOptions, RedisConnection, RedisOptions, ResolvedConnection } from './connection-options.js';
import { CLUSTER_OPTION_KEYS, REDIS_OPTION_KEYS } from './redis-option-keys.js';
import { parseRedisUrl } from './redis-url.js';

const WHERE = 'TaskModule options: connection';

/** The accepted shapes, as every refusal lists them. */
export const CONNECTION_SHAPES =
  "accepted: a URL 'redis://[user:password@]host:port[/db]' or 'rediss://...'; ioredis options { host, port, password, tls, ... } " +
  "or { url, ...options }; Sentinel { sentinels: [{ host, port }], name, ...options }; Cluster { cluster: ['redis://host:port' | " +
  '{ host, port }, ...], clusterOptions? }; or an ioredis Redis or Cluster instance (see docs/cluster.md)';

function refuse(problem: string): never {
  throw new InvalidTaskOptionsError(`${WHERE}: ${problem} (${CONNECTION_SHAPES})`);
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * A Date, Map, Set, ... is an object too, but names no Redis: only plain options (a class instance of
 * them, or a module namespace from `import * as config`) do.
 */
const isPlainOptions = (value: Record<string, unknown>): boolean => ['[object Object]', '[object Module]'].includes(Object.prototype.toString.call(value));

/**
 * A host name or address: a URL put in `host` would reach ioredis as a name to
 * resolve, and reach messages with its password in it (it is not a field
 * whose value is scrubbed). Never shown back, for that reason.
 */
function checkHost(host: unknown, field: string): asserts host is string {
  if (typeof host !== 'string' || host === '') refuse(`${field} must be a host name or address`);
  if (/[/@\s]/.test(host)) refuse(`${field} must be a host name or address, not a URL (it holds '/', '@' or a space): give a URL as the connection itself or as 'url'`);
}

/** An ioredis client, told apart by what it does rather than `instanceof` (the app may load another copy of ioredis). */
function isClient(value: Record<string, unknown>): boolean {
  return typeof value.duplicate === 'function' && typeof value.defineCommand === 'function' && typeof value.status === 'string';
}

/** Refuses keys ioredis does not know, and `keyPrefix`, which would move keys away from the hash tags the scripts build. */
function checkRedisOptionKeys(options: Record<string, unknown>, field: string, extra: readonly string[] = []): void {
  for (const key of Object.keys(options)) {
    if (key === 'keyPrefix') refuse(`'${field}keyPrefix' is not supported: use the module's \`prefix\` option`);
    if (!Object.hasOwn(REDIS_OPTION_KEYS, key) && !extra.includes(key)) refuse(`unknown key '${field}${key}'`);
  }
}

/**
 * The where-to values of plain ioredis options, checked before any socket is
 * opened: a bad port otherwise surfaced as a connect timeout, and an
 * unusable db as a silent fall back to database 0.
 */
function checkAddress(options: Record<string, unknown>, field: string): void {
  const { host, port, db } = options;
  if (host !== undefined) checkHost(host, `'${field}host'`);
  // A string of digits too: ioredis takes one, and ports often come from the environment as text.
  const portNumber = typeof port === 'string' && /^\d{1,5}$/.test(port) ? Number(port) : port;
  if (port !== undefined && (typeof portNumber !== 'number' || !Number.isInteger(portNumber) || portNumber < 1 || portNumber > 65535)) {
    refuse(`'${field}port' must be an integer from 1 to 65535`);
  }
  if (db !== undefined && (typeof db !== 'number' || !Number.isInteger(db) || db < 0)) refuse(`'${field}db' must be a database number (an integer from 0)`);
}

function credentials(options: RedisOptions): string[] {
  const secrets = [options.password, options.sentinelPassword, options.username === 'default' ? undefined : options.username, options.sentinelUsername];
  return secrets.filter((s): s is string => typeof s === 'string' && s.length > 0);
}

function address(value: unknown, field: string): { host: string; port: number } {
  if (!isObject(value)) refuse(`${field} must be { host, port }`);
  for (const key of Object.keys(value)) if (key !== 'host' && key !== 'port') refuse(`unknown key '${field}.${key}' (a node is { host, port })`);
  const { host, port } = value as { host?: unknown; port?: unknown };
  checkHost(host, `${field}.host`);
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) refuse(`${field}.port must be an integer from 1 to 65535`);
  return { host, port };
}

function resolveCluster(value: Record<string, unknown>): ResolvedConnection {
  for (const key of Object.keys(value)) if (key !== 'cluster' && key !== 'clusterOptions') refuse(`unknown key '${key}' beside 'cluster'`);
  const list = value.cluster;
  if (!Array.isArray(list) || list.length === 0) refuse("'cluster' must be a non-empty array of node URLs or { host, port }");
  const clusterOptions: ClusterOptions = {};
  if (value.clusterOptions !== undefined) {
    if (!isObject(value.clusterOptions)) refuse("'clusterOptions' must be ioredis ClusterOptions");
    for (const key of Object.keys(value.clusterOptions)) {
      if (key === 'keyPrefix') refuse("'clusterOptions.keyPrefix' is not supported: use the module's `prefix` option");
      if (!Object.hasOwn(CLUSTER_OPTION_KEYS, key)) refuse(`unknown key 'clusterOptions.${key}'`);
    }
    Object.assign(clusterOptions, value.clusterOptions);
  }
  const redisOptions: RedisOptions = { ...(clusterOptions.redisOptions ?? {}) };
  if (!isObject(redisOptions)) refuse("'clusterOptions.redisOptions' must be ioredis options");
  checkRedisOptionKeys(redisOptions as Record<string, unknown>, 'clusterOptions.redisOptions.');
  // A Cluster has database 0 only; ioredis would send no SELECT and use it, whatever was asked.
  const noOtherDb = (db: unknown, field: string) => {
    if (db !== undefined && db !== 0) refuse(`${field} asks for database ${String(db)}, but a Redis Cluster has only database 0`);
  };
  noOtherDb(redisOptions.db, "'clusterOptions.redisOptions.db'");
  const secrets = credentials(redisOptions);
  const nodes = list.map((node: unknown, i) => {
    if (typeof node !== 'string') return address(node, `cluster[${i}]`);
    const parsed = parseRedisUrl(node, `${WHERE}: cluster[${i}]`);
    secrets.push(...parsed.secrets);
    noOtherDb(parsed.options.db, `cluster[${i}]'s URL`);
    // Credentials and TLS in node URLs apply to every node, as one cluster has one ACL.
    for (const key of ['username', 'password', 'tls'] as const) {
      if (parsed.options[key] === undefined) continue;
      if (redisOptions[key] !== undefined && JSON.stringify(redisOptions[key]) !== JSON.stringify(parsed.options[key]) && key !== 'tls') {
        refuse(`the node URLs of 'cluster' carry different ${key === 'password' ? 'passwords' : 'user names'}; give one in clusterOptions.redisOptions`);
      }
      redisOptions[key] ??= parsed.options[key] as never;
    }
    return { host: parsed.options.host as string, port: parsed.options.port as number };
  });
  clusterOptions.redisOptions = redisOptions;
  const shown = nodes.slice(0, 3).map((n) => `${n.host}:${n.port}`).join(', ') + (nodes.length > 3 ? ', ...' : '');
  return { kind: 'cluster', nodes, clusterOptions, target: `Redis Cluster via ${shown}`, secrets };
}

function resolveSentinel(value: Record<string, unknown>): ResolvedConnection {
  checkRedisOptionKeys(value, '');
  checkAddress({ db: value.db }, '');
  const { sentinels, name } = value as { sentinels?: unknown; name?: unknown };
  if (!Array.isArray(sentinels) || sentinels.length === 0) refuse("'sentinels' must be a non-empty array of { host, port }");
  if (typeof name !== 'string' || name === '') refuse("Sentinel needs 'name': the master's name as the sentinels know it");
  const addresses = sentinels.map((s: unknown, i) => address(s, `sentinels[${i}]`));
  const options = { ...value, sentinels: addresses } as RedisOptions;
  const shown = addresses.map((s) => `${s.host}:${s.port}`).join(', ');
  return { kind: 'sentinel', options, target: `Sentinel master '${name}' via sentinels ${shown}`, secrets: credentials(options) };
}

/** Where plain options point, for messages: host and port (a host beside a URL wins over the URL's), or the socket path. */
function targetOf(options: RedisOptions): string {
  return options.path ?? `${options.host ?? '127.0.0.1'}:${options.port ?? 6379}`;
}

/**
 * Validates `connection` and says what it is. Refuses, naming `connection`,
 * the offending key and the accepted shapes: anything that is not one of the
 * shapes, any key ioredis does not know, and URLs that do not parse (without
 * ever showing the URL or a password).
 */
export function resolveConnection(value: RedisConnection): ResolvedConnection {
  if (typeof value === 'string') {
    const { options, secrets, target } = parseRedisUrl(value, WHERE);
    return { kind: 'single', options, secrets, target };
  }
  if (!isObject(value)) refuse(`expected one of the shapes below, got ${Array.isArray(value) ? 'an array' : String(value === null ? null : typeof value)}`);
  if (!isClient(value) && !isPlainOptions(value)) refuse(`expected one of the shapes below, got ${Object.prototype.toString.call(value).slice(8, -1)}`);
  if (isClient(value)) {
    const client = value as unknown as Extract<RedisConnection, { duplicate: unknown }>;
    const cluster = (value as { isCluster?: unknown }).isCluster === true;
    if ((client.options as { keyPrefix?: unknown }).keyPrefix) refuse("the instance has a keyPrefix, which is not supported: use the module's `prefix` option");
    // Where it points, for messages (a Cluster's first startup nodes, a Sentinel set, the host and port or
    // socket), and its credentials, so an error that echoes them is scrubbed as for the other shapes.
    const own = ((cluster ? (client.options as ClusterOptions).redisOptions : client.options) ?? {}) as RedisOptions;
    const secrets = credentials(own);
    let where: string;
    if (cluster) {
      const startup = (value as { startupNodes?: unknown }).startupNodes;
      const nodes = (Array.isArray(startup) ? startup : []).slice(0, 3).map((node: unknown) => {
        if (typeof node === 'number') return `127.0.0.1:${node}`;
        if (typeof node !== 'string') return `${(node as { host?: string }).host ?? '127.0.0.1'}:${(node as { port?: number }).port ?? 6379}`;
        const parsed = nodeOfUrl(node);
        secrets.push(...parsed.secrets);
        return parsed.address;
      });
      where = nodes.length > 0 ? ` via ${nodes.join(', ')}` : '';
    } else if (Array.isArray(own.sentinels) && own.sentinels.length > 0) {
      where = ` (Sentinel master '${String(own.name)}' via sentinels ${own.sentinels.map((s) => `${(s as { host?: string }).host ?? '127.0.0.1'}:${(s as { port?: number }).port ?? 26379}`).join(', ')})`;
    } else {
      where = ` at ${targetOf(own)}`;
    }
    const what = `${cluster ? 'an app-owned Redis Cluster instance' : 'an app-owned Redis instance'}${where}`;
    return { kind: 'instance', client, cluster, target: what, secrets };
  }
  if ('cluster' in value) return resolveCluster(value);
  if ('sentinels' in value) {
    if ('url' in value) refuse("give 'sentinels' or 'url', not both");
    return resolveSentinel(value);
  }
  const { url, ...given } = value as Record<string, unknown>;
  // An option that is undefined (an unset environment variable) is left out, as ioredis's own merge leaves
  // it: spread over a URL's options it would replace them (a URL's host by 127.0.0.1, its password by none).
  const rest = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
  checkRedisOptionKeys(rest, '');
  if (url === undefined && rest.host === undefined && rest.path === undefined) {
    // Most often a setting read from an environment variable that is not set: ioredis would go to localhost:6379.
    const unset = (['url', 'host', 'path'] as const).find((key) => key in value);
    if (unset) refuse(`'${unset}' is undefined (an environment variable that is not set?), and nothing else names a Redis`);
    refuse("it names no Redis: give a URL, or 'url', 'host' (and 'port') or 'path'; nothing falls back to 127.0.0.1:6379");
  }
  if ('name' in rest) refuse("'name' is the master name of a Sentinel setting, which needs 'sentinels' too");
  checkAddress(rest, '');
  if (url === undefined) {
    const options = rest as RedisOptions;
    return { kind: 'single', options, target: targetOf(options), secrets: credentials(options) };
  }
  if (typeof url !== 'string') refuse("'url' must be a redis:// or rediss:// URL string");
  const parsed = parseRedisUrl(url, `${WHERE}.url`);
  // Options beside the URL win, as ioredis merges them; a rediss:// URL's TLS takes their tls settings.
  const options = { ...parsed.options, ...(rest as RedisOptions) };
  return { kind: 'single', options, target: targetOf(options), secrets: [...parsed.secrets, ...credentials(options)] };
}

/** host:port of a node URL, without its credentials (returned apart, to scrub); 'a node URL' when it does not parse. */
function nodeOfUrl(text: string): { address: string; secrets: string[] } {
  try {
    const url = new URL(text);
    const secrets = [...new Set([url.username, url.password, decodeURIComponent(url.username), decodeURIComponent(url.password)])].filter((s) => s.length > 0 && s !== 'default');
    return { address: `${url.hostname || '127.0.0.1'}:${url.port || 6379}`, secrets };
  } catch {
    return { address: 'a node URL', secrets: [] };
  }
}
