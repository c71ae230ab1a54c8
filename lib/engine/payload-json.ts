import { InvalidTaskOptionsError } from '../errors/invalid-task-options.error.js';
import { collectionLostInJson, describeLostCollection } from './json-collections.js';

/**
 * Encodes a payload by JSON.stringify's rules, with errors that name the task:
 * a top-level value JSON cannot carry (undefined, a function, a symbol), a
 * BigInt anywhere and cycles throw, and so does a Map or a Set anywhere
 * (JSON would store it as `{}`); nested functions and undefined properties
 * are dropped, as JSON drops them.
 */
export function encodePayload(payload: unknown, where: string, maxBytes: number): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(payload);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new TypeError(`${where}: the payload cannot be encoded as JSON (${reason})`);
  }
  if (json === undefined) {
    throw new TypeError(`${where}: the payload cannot be encoded as JSON (a top-level ${typeof payload} has no JSON form)`);
  }
  const lost = collectionLostInJson(payload, json, 'payload');
  if (lost !== null) throw new TypeError(`${where}: the payload cannot be encoded as JSON: ${describeLostCollection(lost)}`);
  const bytes = bytesOver(json, maxBytes);
  if (bytes !== null) {
    throw new InvalidTaskOptionsError(`${where}: the payload is ${bytes} bytes encoded, over the limit of ${maxBytes} bytes (maxPayloadBytes)`);
  }
  return json;
}

/** The UTF-8 size of `json` when it is over `maxBytes`, else null; counted only when it may be (this runs for every task). */
export function bytesOver(json: string, maxBytes: number): number | null {
  // Cheap upper bound first: a UTF-8 string is at most 3 bytes per UTF-16 unit.
  if (json.length * 3 <= maxBytes) return null;
  const bytes = Buffer.byteLength(json, 'utf8');
  return bytes > maxBytes ? bytes : null;
}
