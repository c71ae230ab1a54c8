import { scrub } from '../../../lib/redis/redis-target.js';

describe('scrub', () => {
  it('replaces every secret, the longest first', () => {
    expect(scrub('WRONGPASS app-user S3cretPass S3cretPass', ['app-user', 'S3cretPass'])).toBe('WRONGPASS *** *** ***');
    expect(scrub('pw pw-long', ['pw', 'pw-long'])).toBe('*** ***');
  });

  it('leaves a secret that is only part of a longer word, and masks it wherever it stands alone', () => {
    expect(scrub('WRONGPASS invalid username-password pair or user is disabled.', ['user', 's3cretPW'])).toBe(
      'WRONGPASS invalid username-password pair or *** is disabled.',
    );
    expect(scrub('url redis://u:s3cretPW@h:6379 (s3cretPW)', ['s3cretPW'])).toBe('url redis://u:***@h:6379 (***)');
    // A secret whose edge is not a letter or digit is masked even next to one.
    expect(scrub('x-pw-y', ['-pw-'])).toBe('x***y');
  });

  it('leaves where Redis is as it is, so a password inside the host or port is not told away by a masked copy', () => {
    expect(scrub('connect ECONNREFUSED 127.0.0.1:7297', ['127'], '127.0.0.1:7297')).toBe('connect ECONNREFUSED 127.0.0.1:7297');
    expect(scrub('at 127.0.0.1:7297, password 127', ['127'], '127.0.0.1:7297')).toBe('at 127.0.0.1:7297, password ***');
    expect(scrub('Redis Cluster via n1:7000, n2:7001: n2:7001 refused 7001', ['7001'], 'Redis Cluster via n1:7000, n2:7001')).toBe(
      'Redis Cluster via n1:7000, n2:7001: n2:7001 refused ***',
    );
  });

  it('changes nothing without secrets', () => {
    expect(scrub('connect ECONNREFUSED 127.0.0.1:6379', [])).toBe('connect ECONNREFUSED 127.0.0.1:6379');
  });
});
