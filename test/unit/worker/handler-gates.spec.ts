import type { RegisteredHandler } from '../../../lib/discovery/task-handler.registry.js';
import { HandlerGates } from '../../../lib/worker/handler-gates.js';

function handler(name: string, concurrency: number | null): RegisteredHandler {
  const defaults = { queue: 'default', removeOnComplete: null, removeOnDead: null };
  return { name, queue: 'default', defaults, concurrency, globalConcurrency: null, invoke: async () => undefined, source: `T.${name}` };
}

describe('HandlerGates', () => {
  it('lets everything through for a handler without a limit, and for no handler', () => {
    const gates = new HandlerGates<string>();
    const free = handler('free', null);
    for (let i = 0; i < 50; i++) expect(gates.tryEnter(free, `t${i}`)).toBe(true);
    expect(gates.tryEnter(undefined, 'orphan')).toBe(true);
    expect(gates.leave(free)).toBeUndefined();
    expect(gates.leave(undefined)).toBeUndefined();
    expect(gates.drainHeld()).toEqual([]);
  });

  it('lets up to the limit run and holds the rest', () => {
    const gates = new HandlerGates<string>();
    const limited = handler('limited', 2);
    expect(gates.tryEnter(limited, 't1')).toBe(true);
    expect(gates.tryEnter(limited, 't2')).toBe(true);
    expect(gates.tryEnter(limited, 't3')).toBe(false);
    expect(gates.tryEnter(limited, 't4')).toBe(false);
  });

  it('hands the held items over in FIFO order as runs end', () => {
    const gates = new HandlerGates<string>();
    const limited = handler('limited', 1);
    gates.tryEnter(limited, 't1');
    gates.tryEnter(limited, 't2');
    gates.tryEnter(limited, 't3');
    expect(gates.leave(limited)).toBe('t2');
    expect(gates.leave(limited)).toBe('t3');
    expect(gates.leave(limited)).toBeUndefined();
  });

  it('counts a handed-over item as running, so the limit still holds', () => {
    const gates = new HandlerGates<string>();
    const limited = handler('limited', 1);
    gates.tryEnter(limited, 't1');
    gates.tryEnter(limited, 't2');
    expect(gates.leave(limited)).toBe('t2'); // t2 now runs in t1's place
    expect(gates.tryEnter(limited, 't3')).toBe(false);
    expect(gates.leave(limited)).toBe('t3');
    expect(gates.leave(limited)).toBeUndefined(); // t3 ends: nothing runs
    expect(gates.tryEnter(limited, 't4')).toBe(true);
  });

  it('frees a slot when a run ends with nothing held', () => {
    const gates = new HandlerGates<string>();
    const limited = handler('limited', 2);
    gates.tryEnter(limited, 't1');
    gates.tryEnter(limited, 't2');
    expect(gates.leave(limited)).toBeUndefined();
    expect(gates.tryEnter(limited, 't3')).toBe(true);
    expect(gates.tryEnter(limited, 't4')).toBe(false);
  });

  it('keeps the limits of different handlers apart', () => {
    const gates = new HandlerGates<string>();
    const a = handler('a', 1);
    const b = handler('b', 1);
    expect(gates.tryEnter(a, 'a1')).toBe(true);
    expect(gates.tryEnter(b, 'b1')).toBe(true);
    expect(gates.tryEnter(a, 'a2')).toBe(false);
    expect(gates.leave(b)).toBeUndefined();
    expect(gates.tryEnter(b, 'b2')).toBe(true);
    expect(gates.leave(a)).toBe('a2');
  });

  it('drains every held item of every handler once, and leaves nothing to hand over', () => {
    const gates = new HandlerGates<string>();
    const a = handler('a', 1);
    const b = handler('b', 1);
    for (const item of ['a1', 'a2', 'a3']) gates.tryEnter(a, item);
    for (const item of ['b1', 'b2']) gates.tryEnter(b, item);
    expect(gates.drainHeld().sort()).toEqual(['a2', 'a3', 'b2']);
    expect(gates.drainHeld()).toEqual([]);
    expect(gates.leave(a)).toBeUndefined();
    expect(gates.leave(b)).toBeUndefined();
  });
});
