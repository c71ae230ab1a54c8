import { QueueKeys } from '../../../lib/redis/queue-keys.js';

/** The Redis Cluster hash tag of a key: the text inside its first {...}. */
function hashTag(key: string): string | null {
  const open = key.indexOf('{');
  const close = key.indexOf('}', open + 1);
  return open >= 0 && close > open + 1 ? key.slice(open + 1, close) : null;
}

describe('QueueKeys', () => {
  const keys = new QueueKeys('tasks', 'email');
  const all = [keys.wait, keys.delayed, keys.active, keys.mark, keys.dead, keys.completed, keys.seq, keys.blocked, keys.paused, keys.rate, keys.events, keys.task('42'), keys.payload('42'), keys.dependencyResults('42'), keys.pendingDependencies('42')];

  it('starts every key with the base {prefix:queue}:', () => {
    expect(keys.base).toBe('{tasks:email}:');
    for (const key of all) expect(key.startsWith('{tasks:email}:')).toBe(true);
  });

  it('gives every key the same hash tag, prefix:queue', () => {
    for (const key of all) expect(hashTag(key)).toBe('tasks:email');
  });

  it('gives each structure its own key', () => {
    expect(new Set(all).size).toBe(all.length);
  });

  it("names a task's hash {prefix:queue}:t:<id>", () => {
    expect(keys.task('order-7')).toBe('{tasks:email}:t:order-7');
  });

  it('keeps the hash tag on task keys whose id holds a colon', () => {
    expect(hashTag(keys.task('a:b'))).toBe('tasks:email');
  });

  it('lists the eleven script keys in the order the script headers declare', () => {
    expect(keys.scriptKeys).toEqual([
      keys.wait, keys.delayed, keys.active, keys.mark, keys.dead, keys.completed, keys.seq, keys.blocked, keys.paused, keys.rate, keys.handlerNames,
    ]);
  });

  it('separates queues and prefixes', () => {
    const other = new QueueKeys('tasks', 'reports');
    const otherPrefix = new QueueKeys('jobs', 'email');
    expect(other.wait).not.toBe(keys.wait);
    expect(otherPrefix.wait).not.toBe(keys.wait);
    expect(hashTag(other.wait)).toBe('tasks:reports');
    expect(hashTag(otherPrefix.wait)).toBe('jobs:email');
  });
});
