/**
 * Maps and Sets (and their weak kinds) have no JSON form of their own:
 * JSON.stringify writes each as `{}`, so their contents would be lost without
 * a word. These find one in a value that was just encoded.
 */

/** Where the first Map or Set in `value` is and what to send instead, or null when it holds none. */
export interface LostCollection {
  /** The path from the root, e.g. `payload.items[2].tags`. */
  path: string;
  kind: 'Map' | 'Set' | 'WeakMap' | 'WeakSet';
  /** How to send its contents as JSON. */
  instead: string;
}

/**
 * The first Map or Set that `json` (the value's encoding) lost, or null. The
 * walk runs only when the JSON has a `{}` in it, where every one of them
 * shows, so an ordinary value costs one substring search.
 */
export function collectionLostInJson(value: unknown, json: string, root: string): LostCollection | null {
  if (!json.includes('{}')) return null;
  try {
    return findCollection(value, root);
  } catch {
    // A getter or a Proxy that answered JSON.stringify and throws now: nothing to name. This runs in the
    // worker's settle path, where a throw would end the process.
    return null;
  }
}

/** A place in the walk: its parent and its key there, from which its path is built only when it is named. */
interface Place {
  value: unknown;
  parent: Place | null;
  key: string | number | null;
}

function findCollection(value: unknown, root: string): LostCollection | null {
  // Depth first, in JSON's order, with a stack of its own: the value can be as deep as JSON could encode.
  const stack: Place[] = [{ value, parent: null, key: null }];
  while (stack.length > 0) {
    const place = stack.pop()!;
    const current = place.value;
    if (current === null || typeof current !== 'object') continue;
    // JSON encodes what toJSON returns (a Date's string, a Map subclass's own form), not the object.
    if (typeof (current as { toJSON?: unknown }).toJSON === 'function') continue;
    const kind = collectionKind(current);
    if (kind !== null) return { path: pathOf(place, root), kind, instead: INSTEAD[kind] };
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push({ value: current[i], parent: place, key: i });
      continue;
    }
    const keys = Object.keys(current);
    for (let i = keys.length - 1; i >= 0; i--) stack.push({ value: (current as Record<string, unknown>)[keys[i]!], parent: place, key: keys[i]! });
  }
  return null;
}

/** `payload.items[2].tags`: built once, for the place named. */
function pathOf(place: Place, root: string): string {
  const parts: string[] = [];
  for (let at: Place | null = place; at !== null && at.key !== null; at = at.parent) {
    parts.push(typeof at.key === 'number' ? `[${at.key}]` : propertyPath(at.key));
  }
  return root + parts.reverse().join('');
}

const INSTEAD: Record<LostCollection['kind'], string> = {
  Map: 'Object.fromEntries(map) or Array.from(map)',
  Set: 'Array.from(set)',
  WeakMap: 'the values themselves (a weak collection cannot be listed)',
  WeakSet: 'the values themselves (a weak collection cannot be listed)',
};

function collectionKind(value: object): LostCollection['kind'] | null {
  if (value instanceof Map) return 'Map';
  if (value instanceof Set) return 'Set';
  if (value instanceof WeakMap) return 'WeakMap';
  if (value instanceof WeakSet) return 'WeakSet';
  return null;
}

function propertyPath(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/** The sentence an error gives: where the collection is, and what to send. */
export function describeLostCollection(lost: LostCollection): string {
  return `${lost.path} is a ${lost.kind}, which JSON stores as {} (its contents would be lost): send ${lost.instead} instead`;
}
