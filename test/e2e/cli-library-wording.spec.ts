import { runCli } from '../../lib/cli/cli.js';
import type { OwnRedis } from '../fixtures/child-processes.js';
import { passwordRedis } from '../fixtures/password-redis.js';
import { REDIS_URL } from '../utils/redis.js';

// The command line tool against a real Redis that refuses what it was given:
// it names its own flags (--url, REDIS_URL, --cluster), never TaskModule's
// options (`connection`, `cluster`, the single-node shape), and never the
// password. Run in this process: it needs no build.

const PASSWORD = 'Cli-S3cret-pw';

/** Runs the tool here: its exit code and its stderr. */
async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; err: string }> {
  const err: string[] = [];
  const code = await runCli(args, { out: () => undefined, err: (text) => err.push(text), env });
  return { code, err: err.join('\n') };
}

describe('nestjs-redis-tasks: what Redis refused, in the terms of the command line', () => {
  let redis: OwnRedis;

  beforeAll(async () => {
    redis = await passwordRedis(PASSWORD);
  });
  afterAll(async () => {
    await redis.destroy();
  });

  it('says to check the password in --url or in REDIS_URL, whichever named the Redis', async () => {
    const url = `redis://:wrong-${PASSWORD}@127.0.0.1:${redis.port}`;
    const [byFlag, byEnv, none] = await Promise.all([
      cli(['queues', '--url', url]),
      cli(['queues'], { REDIS_URL: url }),
      cli(['queues', '--url', `redis://127.0.0.1:${redis.port}`]),
    ]);
    expect(byFlag).toEqual({
      code: 1,
      err:
        `nestjs-redis-tasks: failed: could not connect to Redis at 127.0.0.1:${redis.port}: it refused the login (WRONGPASS invalid username-password pair ` +
        'or user is disabled.); check the user name and password in --url (and, with ACLs, that the user is enabled)',
    });
    expect(byEnv.err).toContain('; check the user name and password in REDIS_URL (and, with ACLs');
    expect(none.err).toContain('it refused the login (NOAUTH Authentication required.); check the user name and password in --url');
    for (const run of [byFlag, byEnv, none]) {
      expect(run.err).not.toMatch(/`connection`|TaskModule/);
      expect(run.err).not.toContain(PASSWORD);
    }
  });

  it('says --cluster names a Redis that is not a Cluster node, and to leave it out', async () => {
    const run = await cli(['queues', '--cluster', '--url', REDIS_URL]);
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/^nestjs-redis-tasks: --cluster: Redis at \S+ is not a node of a Redis Cluster \(ERR This instance has cluster support disabled\); leave out --cluster for a Redis that is not a Cluster\nUsage: /);
    expect(run.err).not.toMatch(/single-node shape|`cluster`/);
  });
});
