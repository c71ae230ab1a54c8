import { ForbiddenException } from '@nestjs/common';
import { randomBytes, timingSafeEqual } from 'node:crypto';

// What keeps the dashboard safe by default: a strict Content-Security-Policy
// (no inline script or style, so a payload that slipped into the page as HTML
// still could not run), and actions that only a page the dashboard served can
// send: a POST must carry the app's random token in a header (a cross-site
// form cannot set headers, and another origin cannot read the page to learn
// it) and come from the page's own origin, as the browser says it.

/** The Content-Security-Policy of every dashboard response. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** Headers sent with every dashboard response. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

/**
 * CORS headers the app's own policy (`app.enableCors()`) would put on every
 * route: on the dashboard's they would let another origin read the page, and
 * with it the token that lets actions through.
 */
const CORS_RESPONSE_HEADERS = ['Access-Control-Allow-Origin', 'Access-Control-Allow-Credentials', 'Access-Control-Expose-Headers'];

/** The adapter's way to set a header, Express and Fastify alike. */
interface HeaderSetter {
  setHeader(response: unknown, name: string, value: string): unknown;
}

const CORS_NAMES = new Set(CORS_RESPONSE_HEADERS.map((name) => name.toLowerCase()));

/** What a Fastify reply has that the header calls below use. */
interface FastifyLikeReply {
  header(name: string, value: unknown): unknown;
  headers(values: Record<string, unknown>): unknown;
}

/** Puts the dashboard's headers on a response and takes off what the app's CORS policy added. */
export function applyDashboardHeaders(adapter: HeaderSetter, response: unknown): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) adapter.setHeader(response, name, value);
  // Express's response and Fastify's reply both have removeHeader; Nest's adapter has no such call.
  const remove = (response as { removeHeader?: (name: string) => unknown }).removeHeader;
  if (typeof remove === 'function') for (const name of CORS_RESPONSE_HEADERS) remove.call(response, name);
  refuseLaterCorsHeaders(response);
}

/**
 * @fastify/cors may set its headers in a hook that runs after the route
 * (`hook: 'preSerialization'` or `'onSend'`): this reply then takes none.
 * Express's cors middleware always runs before the route, where they are removed above.
 */
function refuseLaterCorsHeaders(response: unknown): void {
  const reply = response as Partial<FastifyLikeReply> & { raw?: unknown };
  if (reply.raw === undefined || typeof reply.header !== 'function' || typeof reply.headers !== 'function') return;
  const header = reply.header;
  const headers = reply.headers;
  reply.header = function (this: unknown, name: string, value: unknown) {
    return CORS_NAMES.has(String(name).toLowerCase()) ? this : header.call(this, name, value);
  };
  reply.headers = function (this: unknown, values: Record<string, unknown>) {
    return headers.call(this, Object.fromEntries(Object.entries(values).filter(([name]) => !CORS_NAMES.has(name.toLowerCase()))));
  };
}

/** The header a POST carries the token in. */
export const CSRF_HEADER = 'x-csrf-token';

/** Request headers as both Express and Fastify give them. */
export type RequestHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** The token of one app instance and the checks every action goes through. */
export class DashboardSecurity {
  /** Random per app instance: the page embeds it, actions must send it back. */
  readonly token = randomBytes(32).toString('base64url');

  constructor(private readonly readOnly: boolean) {}

  /**
   * Throws 403 unless an action may run: not read-only, from the page's own
   * origin as far as the browser tells, and with the token. A request the
   * browser vouches is from the page's origin but whose token is another
   * instance's (the app restarted since the page loaded, or a load balancer
   * sent it elsewhere) is told this instance's token, which the page then
   * retries with: it could read it from the page anyway, and another origin
   * can read neither (no CORS headers).
   */
  checkAction(headers: RequestHeaders): void {
    if (this.readOnly) throw new ForbiddenException('the task dashboard is read-only (readOnly: true): actions are refused');
    const vouched = this.checkOrigin(headers);
    const sent = Buffer.from(one(headers[CSRF_HEADER]) ?? '');
    const expected = Buffer.from(this.token);
    if (sent.length !== expected.length || !timingSafeEqual(sent, expected)) {
      throw new ForbiddenException({
        statusCode: 403,
        error: 'Forbidden',
        message: `missing or wrong ${CSRF_HEADER} header: actions must come from the dashboard page (reload it to get a fresh token)`,
        ...(vouched && { token: this.token }),
      });
    }
  }

  /**
   * Throws 403 unless the request comes from the page's own origin as far as
   * the browser tells; returns whether the browser said so (Sec-Fetch-Site,
   * or an Origin naming this host), rather than saying nothing (a script).
   */
  private checkOrigin(headers: RequestHeaders): boolean {
    const origin = one(headers.origin);
    const site = one(headers['sec-fetch-site']);
    // 'null' comes from an opaque origin (a sandboxed frame, a file: or data:
    // page, a redirect across origins), or from a browser that still follows the
    // Fetch standard's earlier text for a same-origin POST under no-referrer:
    // that one says same-origin in Sec-Fetch-Site.
    if (origin === 'null' && site !== 'same-origin') {
      throw new ForbiddenException('cross-origin action refused: the request came from an opaque origin (Origin: null), not from this dashboard');
    }
    // The browser's own word, which no page can set: it compares the page's
    // origin with the request's URL as the browser sees them, so a proxy that
    // rewrites Host (nginx's default) or drops the port does not matter. 'none'
    // (typed into the address bar) and 'same-site' (a sibling subdomain) are not
    // the page.
    if (site !== undefined) {
      if (site !== 'same-origin') throw new ForbiddenException(`cross-site action refused (Sec-Fetch-Site: ${site})`);
      return true;
    }
    // No Sec-Fetch-Site (an older browser, plain HTTP to a host that is not
    // local, a script): the page's fetches still name their origin (cors mode
    // keeps it even under no-referrer), compared with the host the request
    // reached, as the proxy passes it on. A request with no Origin at all is
    // no browser's page (a fetch always sends one with a POST): a script,
    // which the token alone admits.
    const host = one(headers['x-forwarded-host']) ?? one(headers.host);
    if (origin === undefined) return false;
    if (hostOf(origin) !== host) {
      throw new ForbiddenException(`cross-origin action refused: the request came from ${origin}, not from this dashboard's host`);
    }
    return true;
  }
}

function one(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}
