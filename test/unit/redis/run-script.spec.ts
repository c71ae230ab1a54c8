import type { Command } from 'ioredis';
import { runScript } from '../../../lib/redis/script-registry.js';
import type { RedisClient } from '../../../lib/redis/redis-client.js';

// runScript sends EVALSHA, and the script's text with EVAL when the server does
// not know it: a NOSCRIPT reply, or a Cluster client's redirections ending on
// one (the replica promoted in a failover has never loaded the script).

/** A client that answers each command with the next of `answers` (an Error rejects), and keeps what it was sent. */
function clientAnswering(answers: Array<unknown>): { client: RedisClient; sent: string[] } {
  const sent: string[] = [];
  const client = {
    sendCommand(command: Command) {
      sent.push(command.name);
      const answer = answers.shift();
      if (answer instanceof Error) command.reject(answer);
      else command.resolve(answer as never);
    },
  } as unknown as RedisClient;
  return { client, sent };
}

describe('runScript', () => {
  it.each([
    ['a NOSCRIPT reply', 'NOSCRIPT No matching script. Please use EVAL.'],
    ['a Cluster client whose redirections ended on NOSCRIPT', 'Too many Cluster redirections. Last error: ReplyError: NOSCRIPT No matching script. Please use EVAL.'],
  ])('sends the script with EVAL after %s', async (_what, message) => {
    const { client, sent } = clientAnswering([new Error(message), 'ok']);
    await expect(runScript(client, 'counts', ['k'], ['a'])).resolves.toBe('ok');
    expect(sent).toEqual(['evalsha', 'eval']);
  });

  it('passes any other error on, without sending the script again', async () => {
    const { client, sent } = clientAnswering([new Error('Too many Cluster redirections. Last error: Error: Connection is closed.')]);
    await expect(runScript(client, 'counts', ['k'], ['a'])).rejects.toThrow(/Connection is closed/);
    expect(sent).toEqual(['evalsha']);
  });
});
