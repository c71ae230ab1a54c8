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
  const token = { [CSRF_HEADER]: security.token };

  it('accepts the token from the same origin, or with no Origin header (same-origin requests may omit it)', () => {
    expect(refused({ ...token, host: 'app.example:3000', origin: 'http://app.example:3000', 'sec-fetch-site': 'same-origin' })).toBeNull();
    expect(refused({ ...token, host: 'app.example:3000' })).toBeNull();
  });

  it('refuses a missing or wrong token, another origin, and a cross-site fetch, saying which', () => {
    expect(refused({ host: 'a' })).toContain('missing or wrong x-csrf-token');
    expect(refused({ [CSRF_HEADER]: 'x'.repeat(security.token.length), host: 'a' })).toContain('missing or wrong');
    expect(refused({ host: 'a', 'sec-fetch-site': 'same-origin' })).toContain('missing or wrong x-csrf-token');
    expect(refused({ ...token, host: 'app.example', origin: 'https://evil.example' })).toContain('came from https://evil.example');
    expect(refused({ ...token, host: 'app.example', 'sec-fetch-site': 'cross-site' })).toContain('Sec-Fetch-Site: cross-site');
    // A sandboxed frame or a file: page: its origin is opaque, never the dashboard's.
    expect(refused({ ...token, host: 'app.example', origin: 'null' })).toContain('opaque origin (Origin: null)');
    expect(refused({ ...token, host: 'app.example', origin: 'null', 'sec-fetch-site': 'cross-site' })).toContain('opaque origin');
    // ... unless the browser says the request is same-origin (an older reading of the Fetch standard under no-referrer).
    expect(refused({ ...token, host: 'app.example', origin: 'null', 'sec-fetch-site': 'same-origin' })).toBeNull();
  });

  it("lets the browser's Sec-Fetch-Site decide when it sends one: a proxy's rewritten Host no longer refuses the page's own actions", () => {
    // nginx's default proxy_pass sends the upstream's host; other proxies drop the port.
    expect(refused({ ...token, host: 'app:3000', origin: 'https://ops.example', 'sec-fetch-site': 'same-origin' })).toBeNull();
    expect(refused({ ...token, host: 'ops.example', origin: 'https://ops.example:8443', 'sec-fetch-site': 'same-origin' })).toBeNull();
    // A sibling subdomain, or a request the browser made for no page at all, is not the dashboard's page, whatever Host says.
    expect(refused({ ...token, host: 'ops.example', origin: 'https://ops.example', 'sec-fetch-site': 'same-site' })).toContain('Sec-Fetch-Site: same-site');
    expect(refused({ ...token, host: 'ops.example', origin: 'https://ops.example', 'sec-fetch-site': 'cross-site' })).toContain('Sec-Fetch-Site: cross-site');
    expect(refused({ ...token, host: 'ops.example', 'sec-fetch-site': 'none' })).toContain('Sec-Fetch-Site: none');
    // Without it (an older browser, plain HTTP to a non-local host, a script), Origin is still compared with the host.
    expect(refused({ ...token, host: 'app:3000', origin: 'https://ops.example' })).toContain('came from https://ops.example');
    expect(refused({ ...token, host: 'app:3000', 'x-forwarded-host': 'ops.example', origin: 'https://ops.example' })).toBeNull();
  });

  it("tells a request the browser vouches is from the page's origin this instance's token, and no other request", () => {
    const refusal = (headers: Record<string, string>) => {
      try {
        security.checkAction(headers);
      } catch (error) {
        return (error as ForbiddenException).getResponse() as { message: string; token?: string };
      }
      throw new Error('expected a refusal');
    };
    const stale = { [CSRF_HEADER]: 'y'.repeat(security.token.length) };
    // The page after a restart, or sent by a load balancer to another instance: it retries with this token.
    expect(refusal({ ...stale, host: 'a', 'sec-fetch-site': 'same-origin' })).toEqual({
      statusCode: 403,
      error: 'Forbidden',
      message: 'missing or wrong x-csrf-token header: actions must come from the dashboard page (reload it to get a fresh token)',
      token: security.token,
    });
    expect(refusal({ ...stale, host: 'app.example', origin: 'http://app.example' }).token).toBe(security.token);
    // A script (no Origin, no Sec-Fetch-Site) is not told; another origin is refused as such, before its token is looked at.
    expect(refusal({ ...stale, host: 'a' }).token).toBeUndefined();
    expect(refusal({ ...stale, host: 'app.example', origin: 'https://evil.example' })).toEqual(
      expect.objectContaining({ message: expect.stringContaining('came from https://evil.example') }),
    );
    expect(refusal({ ...stale, host: 'app.example', 'sec-fetch-site': 'cross-site' }).token).toBeUndefined();
    expect(refusal({ ...stale, host: 'app.example', origin: 'null' }).token).toBeUndefined();
  });

  it('gives each instance its own random token, and refuses everything when read-only', () => {
    const readOnly = new DashboardSecurity(true);
    expect(readOnly.token).not.toBe(security.token);
    expect(readOnly.token.length).toBeGreaterThanOrEqual(40);
    expect(() => readOnly.checkAction({ [CSRF_HEADER]: readOnly.token })).toThrow('read-only');
  });
});
