import { NAT_MAP_ADVICE } from '../config/nat-map-advice.js';
import { InvalidTaskOptionsError } from '../errors/invalid-task-options.error.js';
import { redisOf, type SessionSettings } from './cli-connection.js';
import { CommandFailure, UsageError } from './cli-errors.js';

/** How the library names the setting that the tool's --url (and --cluster) fill. */
const CONNECTION_OPTION = /^TaskModule options: connection(\.url)?: (cluster\[0\]: )?/;

/**
 * A failure of the library as the tool says it, in the terms of its command
 * line: the library's advice names TaskModule's options (`connection`, its
 * `tls` settings, the Cluster and single-node shapes), where the tool's user
 * gave --url, --cluster and REDIS_URL, and has no TLS options at all. A
 * UsageError (exit 2) for what the command line must change, else the text of
 * a failure (exit 1).
 */
export function inToolTerms(error: unknown, settings: SessionSettings): UsageError | string {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof InvalidTaskOptionsError) {
    if (/is a Redis Cluster node/.test(message)) {
      return new UsageError('--url names a node of a Redis Cluster: add --cluster (the tool then finds the other nodes from it)');
    }
    if (/is a Redis Sentinel/.test(message)) {
      return new UsageError("--url names a Redis Sentinel: give the master's URL (SENTINEL GET-MASTER-ADDR-BY-NAME <name> on a sentinel tells it)");
    }
    const notCluster = /a node is not part of a Redis Cluster \((?:Failed to refresh slots cache\.: )?(.*)\); use the single-node shape/s.exec(message);
    if (notCluster) {
      const redis = redisOf({ ...settings, cluster: false });
      return new UsageError(`--cluster: ${redis} is not a node of a Redis Cluster (${notCluster[1]}); leave out --cluster for a Redis that is not a Cluster`);
    }
    // The URL is right and the server said no: a permission to grant, not a command line to fix.
    if (/the ACL user needs \+select|the Redis user at .* may not run\b/.test(message)) return inFlagTerms(message.replace(CONNECTION_OPTION, ''), settings);
    return new UsageError(inFlagTerms(message.replace(CONNECTION_OPTION, '--url: '), settings));
  }
  const text = inFlagTerms(message, settings);
  return error instanceof CommandFailure ? text : `failed: ${text}`;
}

/** The library's advice about `connection` and its TLS settings, as what the tool's user can do. */
function inFlagTerms(message: string, settings: SessionSettings): string {
  const login = settings.urlFrom
    ? `check the user name and password in ${settings.urlFrom}`
    : 'give a user name and password in --url or REDIS_URL, as redis://user:password@host:port';
  return (
    message
      .replace('check the user name and password of `connection`', login)
      // The tool has TLS only as a rediss:// URL; the CA it trusts comes from Node.js's own setting.
      .replace(' or the tls option of `connection`', '')
      .replace('(a rediss:// URL or tls option needs', '(a rediss:// URL needs')
      .replace(
        /give the certificate of the CA that signed it as tls\.ca of `connection` .*$/s,
        'name the file of the CA certificate that signed it (PEM) in the NODE_EXTRA_CA_CERTS environment variable: the tool has no option for it',
      )
      .replace('or give that name as tls.servername of `connection`', 'in --url')
      // The tool has no natMap: its user can only run it where the announced addresses are reachable.
      .replace(NAT_MAP_ADVICE, 'run the tool where the addresses the nodes announce (CLUSTER NODES) are reachable: it has no option to map them')
      // The tool has no Sentinel shape; its commands that only read work on a replica.
      .replace(
        'connect to its master, or through Sentinel ({ sentinels: [{ host, port }], name }), which finds the master after a failover too',
        'give the master in --url for a command that changes something (those that only read work on a replica)',
      )
  );
}
