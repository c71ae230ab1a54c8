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

function findCollection(value: unknown, root: string): LostCollection | null {
  // Depth first, in JSON's order, with a stack of its own: the value can be as deep as JSON could encode.
  const stack: Array<{ value: unknown; path: string }> = [{ value, path: root }];
  while (stack.length > 0) {
    const { value: current, path } = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    const kind = collectionKind(current);
    if (kind !== null) return { path, kind, instead: INSTEAD[kind] };
    // JSON encodes what toJSON returns (a Date's string), not the object.
    if (typeof (current as { toJSON?: unknown }).toJSON === 'function') continue;
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push({ value: current[i], path: `${path}[${i}]` });
      continue;
    }
    const keys = Object.keys(current);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      stack.push({ value: (current as Record<string, unknown>)[key], path: `${path}${propertyPath(key)}` });
    }
  }
  return null;
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
