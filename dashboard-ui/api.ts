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
const TOKEN = body.dataset.token ?? '';

/** An API error, with the server's message. */
export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

async function parse<T>(response: Response): Promise<T> {
  const data = (await response.json().catch(() => ({}))) as { message?: string | string[] };
  if (!response.ok) throw new ApiError(response.status, Array.isArray(data.message) ? data.message.join('; ') : (data.message ?? response.statusText));
  return data as T;
}

/** The URL of api/<path>. */
const api = (path: string) => new URL(path, BASE);

/** GET api/<path>. */
export async function getJson<T>(path: string): Promise<T> {
  return parse<T>(await fetch(api(path), { headers: { accept: 'application/json' }, credentials: 'same-origin' }));
}

/** POST api/<path> with a JSON body. */
export async function post<T>(path: string, data: unknown = {}): Promise<T> {
  const response = await fetch(api(path), {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', 'x-csrf-token': TOKEN, accept: 'application/json' },
    body: JSON.stringify(data),
  });
  return parse<T>(response);
}

/** A path segment, encoded. */
export const seg = (value: string) => encodeURIComponent(value);
