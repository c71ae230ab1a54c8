import { ForbiddenException } from '@nestjs/common';
import { CSRF_HEADER, DashboardSecurity } from '../../../lib/dashboard/dashboard-security.js';

// The checks every dashboard action goes through, header by header.

describe('DashboardSecurity.checkAction', () => {
  const security = new DashboardSecurity(false);
  const refused = (headers: Record<string, string>) => {
    try {
      security.checkAction(headers);
      return null;
    } catch (error) {
      expect(error).toBeInstanceOf(ForbiddenException);
      return (error as ForbiddenException).message;
    }
  };

  it('accepts the token from the same origin, or with no Origin header (same-origin requests may omit it)', () => {
    expect(refused({ [CSRF_HEADER]: security.token, host: 'app.example:3000', origin: 'http://app.example:3000', 'sec-fetch-site': 'same-origin' })).toBeNull();
    expect(refused({ [CSRF_HEADER]: security.token, host: 'app.example:3000' })).toBeNull();
  });

  it('refuses a missing or wrong token, another origin, and a cross-site fetch, saying which', () => {
    expect(refused({ host: 'a' })).toContain('missing or wrong x-csrf-token');
    expect(refused({ [CSRF_HEADER]: 'x'.repeat(security.token.length), host: 'a' })).toContain('missing or wrong');
    expect(refused({ [CSRF_HEADER]: security.token, host: 'app.example', origin: 'https://evil.example' })).toContain('came from https://evil.example');
    expect(refused({ [CSRF_HEADER]: security.token, host: 'app.example', 'sec-fetch-site': 'cross-site' })).toContain('Sec-Fetch-Site: cross-site');
    // A sandboxed frame or a file: page: its origin is opaque, never the dashboard's.
    expect(refused({ [CSRF_HEADER]: security.token, host: 'app.example', origin: 'null' })).toContain('opaque origin (Origin: null)');
    expect(refused({ [CSRF_HEADER]: security.token, host: 'app.example', origin: 'null', 'sec-fetch-site': 'cross-site' })).toContain('opaque origin');
    // ... unless the browser says the request is same-origin (an older reading of the Fetch standard under no-referrer).
    expect(refused({ [CSRF_HEADER]: security.token, host: 'app.example', origin: 'null', 'sec-fetch-site': 'same-origin' })).toBeNull();
  });

  it('gives each instance its own random token, and refuses everything when read-only', () => {
    const readOnly = new DashboardSecurity(true);
    expect(readOnly.token).not.toBe(security.token);
    expect(readOnly.token.length).toBeGreaterThanOrEqual(40);
    expect(() => readOnly.checkAction({ [CSRF_HEADER]: readOnly.token })).toThrow('read-only');
  });
});
