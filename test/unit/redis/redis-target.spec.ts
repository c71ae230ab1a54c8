import { scrub } from '../../../lib/redis/redis-target.js';

describe('scrub', () => {
  it('replaces every secret, the longest first', () => {
    expect(scrub('WRONGPASS app-user S3cretPass S3cretPass', ['app-user', 'S3cretPass'])).toBe('WRONGPASS *** *** ***');
    expect(scrub('pw pw-long', ['pw', 'pw-long'])).toBe('*** ***');
  });

  it('changes nothing without secrets', () => {
    expect(scrub('connect ECONNREFUSED 127.0.0.1:6379', [])).toBe('connect ECONNREFUSED 127.0.0.1:6379');
  });
});
