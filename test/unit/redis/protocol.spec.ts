import { ENDED_DEPENDENTS_MAX as ENGINE_ENDED_DEPENDENTS_MAX } from '../../../lib/engine/new-task.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENDED_DEPENDENTS_MAX, EVENT, ITEM_KEY_SUFFIXES, QUEUE_KEY_SUFFIXES, RECORD, SCHEDULE, SCRIPTS, STATE } from '../../../lib/redis/protocol.js';

const README = readFileSync(join(__dirname, '../../../lib/redis/lua/README.md'), 'utf8');
/** The table rows of one README section: first cell (code) -> the whole row. */
function table(heading: string): Map<string, string> {
  const section = README.split('\n## ').find((s) => s.startsWith(heading));
  if (!section) throw new Error(`lib/redis/lua/README.md has no section '${heading}'`);
  return new Map(
    section
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .map((line) => [line.split('|')[1].trim().replace(/`/g, ''), line] as const),
  );
}
const keys = table('Keys');
const record = table('Task record fields');
const schedule = table('Schedule definition fields');
const events = table('Event stream fields');
const snake = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

describe('the script protocol', () => {
  it.each(Object.entries(QUEUE_KEY_SUFFIXES))('documents the queue key %s in lib/redis/lua/README.md', (name, suffix) => {
    expect(keys.get(suffix)).toContain(`K_${snake(name)}`);
  });

  it.each(Object.entries(ITEM_KEY_SUFFIXES))('documents the item key %s in lib/redis/lua/README.md', (name, suffix) => {
    const item = ['handlerRunning', 'handlerParked', 'handlerMark'].includes(name) ? 'name' : name === 'throughput' ? 'minute' : 'id';
    expect(keys.get(`${suffix}<${item}>`)).toContain(`K_${snake(name)}`);
  });

  it.each(Object.entries(RECORD))('documents the record field %s', (name, field) => {
    expect(record.get(field)).toContain(`R_${snake(name)}`);
  });

  it.each(Object.entries(SCHEDULE))('documents the schedule field %s', (name, field) => {
    expect(schedule.get(field)).toContain(`SD_${snake(name)}`);
  });

  it.each(Object.entries(EVENT))('documents the event field %s', (name, field) => {
    expect(events.get(field)).toContain(`E_${snake(name)}`);
  });

  it("holds the engine's ENDED_DEPENDENTS_MAX for the scripts", () => {
    expect(ENDED_DEPENDENTS_MAX).toBe(ENGINE_ENDED_DEPENDENTS_MAX);
  });

  it('documents every state letter in the record table', () => {
    for (const [state, letter] of Object.entries(STATE)) expect(record.get('s')).toContain(`\`${letter}\` ${state}`);
  });

  it('gives no two record fields, schedule fields or key suffixes the same name', () => {
    for (const table of [RECORD, SCHEDULE, EVENT, { ...QUEUE_KEY_SUFFIXES, ...ITEM_KEY_SUFFIXES }]) {
      const values = Object.values(table);
      expect(new Set(values).size).toBe(values.length);
    }
  });

  it('names each argument of a script once', () => {
    for (const [name, layout] of Object.entries(SCRIPTS)) {
      const all: readonly string[] = [...layout.args, ...('row' in layout ? layout.row : [])];
      expect({ name, duplicates: all.filter((a, i) => all.indexOf(a) !== i) }).toEqual({ name, duplicates: [] });
    }
  });
});
