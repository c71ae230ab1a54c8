// Preload (node --require) that makes this process's wall clock wrong by
// CLOCK_SHIFT_MS (e.g. 300000 = five minutes fast, -300000 = five minutes
// slow): Date.now() and new Date() are shifted; timers keep working, since
// setTimeout and setInterval run on the monotonic clock, not on Date.
//
// stdout: "clock <shiftMs> <shifted Date.now()>" once, before anything else.
'use strict';
const shift = Number(process.env.CLOCK_SHIFT_MS || 0);
if (!Number.isFinite(shift)) throw new Error(`CLOCK_SHIFT_MS is not a number: ${process.env.CLOCK_SHIFT_MS}`);

const RealDate = Date;
const realNow = RealDate.now.bind(RealDate);

// A proxy rather than a subclass so that Date() called without `new` (a
// string of the current time) is shifted too, and instanceof Date still holds.
const ShiftedDate = new Proxy(RealDate, {
  construct(target, args, newTarget) {
    return Reflect.construct(target, args.length === 0 ? [realNow() + shift] : args, newTarget);
  },
  apply() {
    return new RealDate(realNow() + shift).toString();
  },
  get(target, property, receiver) {
    if (property === 'now') return () => realNow() + shift;
    return Reflect.get(target, property, receiver);
  },
});

globalThis.Date = ShiftedDate;
process.stdout.write(`clock ${shift} ${Date.now()}\n`);
