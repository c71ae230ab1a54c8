import { collectionLostInJson, describeLostCollection } from '../../../lib/engine/json-collections.js';

/** A Map that says how JSON is to write it, as Mongoose's maps do. */
class JsonMap extends Map<string, number> {
  toJSON() {
    return Object.fromEntries(this);
  }
}

/** What collectionLostInJson finds in `value`, encoded as the library encodes it. */
const lostIn = (value: unknown) => collectionLostInJson(value, JSON.stringify(value), 'payload');

describe('collectionLostInJson', () => {
  it.each<[string, unknown, string, string]>([
    ['a top-level Map', new Map([['a', 1]]), 'payload', 'Map'],
    ['an empty Set', new Set(), 'payload', 'Set'],
    ['a nested Map', { order: { lines: new Map([[1, 'x']]) } }, 'payload.order.lines', 'Map'],
    ['a Set in an array', { tags: [['a'], new Set(['b'])] }, 'payload.tags[1]', 'Set'],
    ['a key that is no identifier', { 'line-items': new Map() }, 'payload["line-items"]', 'Map'],
    ['a WeakMap', { cache: new WeakMap() }, 'payload.cache', 'WeakMap'],
    ['a Map in a class instance', new (class Order { lines = new Map(); })(), 'payload.lines', 'Map'],
  ])('finds %s, naming where it is', (_label, value, path, kind) => {
    expect(lostIn(value)).toMatchObject({ path, kind });
  });

  it('names the first one in JSON order when there are several', () => {
    expect(lostIn({ a: [1, { b: new Set([1]) }], c: new Map() })?.path).toBe('payload.a[1].b');
  });

  it.each<[string, unknown]>([
    ['a plain object with an empty object in it', { meta: {}, list: [{}] }],
    ['a string holding {}', { text: 'a {} b' }],
    ['a Date', { at: new Date(0) }],
    ['an object whose toJSON hides a Map', { value: { inner: new Map(), toJSON: () => ({}) } }],
    ['a Map subclass with a toJSON of its own (as Mongoose maps have)', { m: new JsonMap([['a', 1]]), opts: {} }],
    ['nothing at all', null],
  ])('finds nothing in %s', (_label, value) => {
    expect(lostIn(value)).toBeNull();
  });

  it('never throws, finding nothing in a value that throws when read again', () => {
    let reads = 0;
    const flaky = {
      get lines() {
        reads += 1;
        if (reads > 1) throw new Error('read once only');
        return {};
      },
    };
    expect(lostIn(flaky)).toBeNull();
    expect(reads).toBe(2);
  });

  it('walks only a value whose JSON has {} in it', () => {
    // A Map always shows as {}: without one, the JSON says there is none, whatever the value holds.
    expect(collectionLostInJson({ lines: new Map() }, '{"lines":[]}', 'payload')).toBeNull();
  });

  it('copes with a value as deep as JSON can encode', () => {
    let deep: unknown = new Set([1]);
    for (let i = 0; i < 1_000; i++) deep = { d: deep };
    expect(lostIn(deep)?.path).toBe(`payload${'.d'.repeat(1_000)}`);
  });

  it('says what to send instead', () => {
    expect(describeLostCollection(lostIn({ lines: new Map() })!)).toBe(
      'payload.lines is a Map, which JSON stores as {} (its contents would be lost): send Object.fromEntries(map) or Array.from(map) instead',
    );
    expect(describeLostCollection(lostIn({ tags: new Set() })!)).toContain('send Array.from(set) instead');
  });
});
