import { ForbiddenException, type CanActivate, type ExecutionContext } from '@nestjs/common';

/**
 * Answers only for the host names of `allowedHosts`. DNS rebinding points a
 * name a website controls at an address on the user's network, so the
 * website's pages reach the dashboard as their own origin, token and all; the
 * browser still names the website's host in `Host`, which no page can set.
 * (`X-Forwarded-Host` a page can set, so it is not read here.)
 */
export class DashboardHostGuard implements CanActivate {
  constructor(private readonly allowed: readonly string[]) {}

  canActivate(context: ExecutionContext): boolean {
    const headers = (context.switchToHttp().getRequest() as { headers?: Record<string, string | string[] | undefined> }).headers ?? {};
    const raw = headers.host;
    const host = hostName(Array.isArray(raw) ? raw[0] : raw);
    if (host !== null && this.allowed.some((name) => (name.startsWith('.') ? host === name.slice(1) || host.endsWith(name) : host === name))) return true;
    throw new ForbiddenException(
      `this dashboard answers only for its allowedHosts (${this.allowed.join(', ')}); the request named ${host === null ? 'no host' : `host '${host}'`}`,
    );
  }
}

/** The host of a Host header, port aside, lower case; null when there is none. */
function hostName(header: string | undefined): string | null {
  if (header === undefined || header === '') return null;
  const value = header.toLowerCase();
  if (value.startsWith('[')) return value.slice(0, value.indexOf(']') + 1) || null;
  const colon = value.lastIndexOf(':');
  // A fully qualified name's final dot (`tasks.internal.`) names the same host.
  return (colon === -1 ? value : value.slice(0, colon)).replace(/\.$/, '');
}
