// Talking to the dashboard's API: JSON reads, and actions as POSTs carrying
// the page's token (the server refuses actions without it).

const body = document.body;
/**
 * Where the API is, relative to the page's own URL ('tasks/' at '/x/tasks',
 * '' at '/x/tasks/'), resolved against the address the browser opened: the
 * page works under a prefix that a proxy strips, which the server never sees.
 */
const BASE = new URL(`${body.dataset.base ?? ''}api/`, document.baseURI);
/** True when the server refuses actions: no action control is drawn. */
export const READ_ONLY = body.dataset.readOnly === '1';
/** The token actions carry: the page's, then the one a refusal gave (see post). */
let token = body.dataset.token ?? '';
/** Tries of one action whose token was refused, each with the token the refusal gave. */
const TOKEN_TRIES = 3;

/** An API error, with the server's message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** For a task not found: the other queues that hold a task of that id. */
    readonly foundIn: readonly string[] = [],
  ) {
    super(message);
  }
}

async function parse<T>(response: Response): Promise<T> {
  const data = (await response.json().catch(() => ({}))) as { message?: string | string[]; foundIn?: unknown };
  if (!response.ok) {
    const message = Array.isArray(data.message) ? data.message.join('; ') : (data.message ?? response.statusText);
    const foundIn = Array.isArray(data.foundIn) ? data.foundIn.filter((q): q is string => typeof q === 'string') : [];
    throw new ApiError(response.status, message, foundIn);
  }
  return data as T;
}

/** The URL of api/<path>. */
const api = (path: string) => new URL(path, BASE);

/** GET api/<path>. */
export async function getJson<T>(path: string): Promise<T> {
  return parse<T>(await fetch(api(path), { headers: { accept: 'application/json' }, credentials: 'same-origin' }));
}

/**
 * POST api/<path> with a JSON body. A token refused as another instance's
 * (the app restarted since the page loaded, or a load balancer sent the
 * action to another instance) comes back with the refusal: the action, not
 * run, is sent again with it, up to TOKEN_TRIES in all.
 */
export async function post<T>(path: string, data: unknown = {}): Promise<T> {
  for (let tries = 1; ; tries++) {
    const response = await fetch(api(path), {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'x-csrf-token': token, accept: 'application/json' },
      body: JSON.stringify(data),
    });
    if (response.status === 403 && tries < TOKEN_TRIES) {
      const refusal = (await response.clone().json().catch(() => ({}))) as { token?: unknown };
      if (typeof refusal.token === 'string') {
        token = refusal.token;
        continue;
      }
    }
    return parse<T>(response);
  }
}

/** A path segment, encoded. */
export const seg = (value: string) => encodeURIComponent(value);
