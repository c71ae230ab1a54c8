import { InvalidTaskOptionsError } from '../../../lib/errors/invalid-task-options.error.js';
import { encodePayload } from '../../../lib/engine/payload-json.js';

const WHERE = "enqueue('report.build')";
const LIMIT = 512 * 1024;

/** The error encoding `payload` throws (fails the test when it throws nothing). */
function encodingError(payload: unknown, maxBytes = LIMIT): Error {
  try {
    encodePayload(payload, WHERE, maxBytes);
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected encodePayload to throw');
}

describe('encodePayload', () => {
  it.each<[unknown, string]>([
    [{ to: 'a@b.c', n: 1 }, '{"to":"a@b.c","n":1}'],
    [[1, 'two', null], '[1,"two",null]'],
    ['plain', '"plain"'],
    [42, '42'],
    [null, 'null'],
    [true, 'true'],
  ])('encodes %j as JSON', (payload, json) => {
    expect(encodePayload(payload, WHERE, LIMIT)).toBe(json);
  });

  it.each<[string, unknown]>([
    ['undefined', undefined],
    ['a function', () => 1],
    ['a symbol', Symbol('s')],
  ])('throws a TypeError naming the task for a top-level %s', (_label, payload) => {
    const error = encodingError(payload);
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toContain('report.build');
    expect(error.message).toContain('JSON');
  });

  it('throws a TypeError naming the task and the place for a Map or a Set, which JSON would store as {}', () => {
    const error = encodingError({ order: { lines: new Map([['sku-1', 2]]) } });
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe(
      "enqueue('report.build'): the payload cannot be encoded as JSON: payload.order.lines is a Map, which JSON stores as {} " +
        '(its contents would be lost): send Object.fromEntries(map) or Array.from(map) instead',
    );
    expect(encodingError(new Set([1])).message).toContain('payload is a Set');
  });

  it('throws a TypeError naming the task for a BigInt at the top level', () => {
    const error = encodingError(10n);
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toContain('report.build');
  });

  it('throws a TypeError naming the task for a BigInt nested deep inside', () => {
    const error = encodingError({ order: { lines: [{ qty: 1 }, { qty: 2n }] } });
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toContain('report.build');
  });

  it('throws a TypeError naming the task for a cycle', () => {
    const node: Record<string, unknown> = { name: 'loop' };
    node.self = node;
    const error = encodingError({ root: node });
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toContain('report.build');
    expect(error.message).toMatch(/circular/i);
  });

  it('accepts the same object twice when it is not a cycle', () => {
    const shared = { id: 1 };
    expect(encodePayload({ a: shared, b: shared }, WHERE, LIMIT)).toBe('{"a":{"id":1},"b":{"id":1}}');
  });

  it('drops nested functions, symbols and undefined properties as JSON does', () => {
    const payload = { keep: 1, fn: () => 2, sym: Symbol('x'), missing: undefined, nested: { method() {}, ok: true } };
    expect(encodePayload(payload, WHERE, LIMIT)).toBe('{"keep":1,"nested":{"ok":true}}');
  });

  it('turns functions and undefined inside arrays into null as JSON does', () => {
    expect(encodePayload([() => 1, undefined, 3], WHERE, LIMIT)).toBe('[null,null,3]');
  });

  it('uses toJSON, as JSON does', () => {
    expect(encodePayload({ at: new Date(0) }, WHERE, LIMIT)).toBe('{"at":"1970-01-01T00:00:00.000Z"}');
  });

  it('accepts a payload exactly at the size limit', () => {
    const payload = 'x'.repeat(98); // encodes to 100 bytes with its quotes
    expect(encodePayload(payload, WHERE, 100)).toHaveLength(100);
  });

  it('rejects a payload one byte over the limit, naming the task, the size and the limit', () => {
    const error = encodingError('x'.repeat(99), 100);
    expect(error).toBeInstanceOf(InvalidTaskOptionsError);
    expect(error.message).toContain('report.build');
    expect(error.message).toContain('101 bytes');
    expect(error.message).toContain('100 bytes');
  });

  it('counts the limit in UTF-8 bytes, not characters', () => {
    const payload = 'é'.repeat(40); // 40 characters, 80 bytes, 82 with the quotes
    expect(encodePayload(payload, WHERE, 82)).toBe(`"${payload}"`);
    expect(encodingError(payload, 81).message).toContain('82 bytes');
  });
});
