import { LUA_SCRIPTS } from '../../../lib/redis/lua/scripts.generated.js';

/** The script's text without comments and string literals, where a name counts as used. */
function code(text: string): string {
  return text.replace(/--[^\n]*/g, '').replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g, '""');
}

describe('the embedded Lua scripts', () => {
  // Each run of a script creates a closure for every local function it defines: scripts/embed-lua.mjs
  // leaves out the helpers of an include that the script never calls.
  it.each(Object.entries(LUA_SCRIPTS))('%s defines only functions it calls', (_name, text) => {
    const body = code(text);
    const defined = [...body.matchAll(/^local function (\w+)\s*\(/gm)].map((m) => m[1]);
    const uncalled = defined.filter((fn) => (body.match(new RegExp(`\\b${fn}\\b`, 'g')) ?? []).length < 2);
    expect(uncalled).toEqual([]);
  });

  it('keeps the helpers a script calls only from other helpers', () => {
    // enqueue calls addTask, which calls putPayloadParts and recordTemplate; none is called from the top level.
    const body = code(LUA_SCRIPTS.enqueue);
    for (const fn of ['addTask', 'putPayloadParts', 'recordTemplate', 'flushEventGroup', 'emit']) {
      expect(body).toMatch(new RegExp(`^local function ${fn}\\(`, 'm'));
    }
    expect(body).not.toMatch(/^local function (trim|releaseHandlerSlot|wakeIfEarliest)\(/m);
  });
});
