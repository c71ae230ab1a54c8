import { DueTimer } from '../../../lib/worker/due-timer.js';

// These specs step the worker's timers with jest's fake ones: the library's own timers follow the globals here.
jest.mock('../../../lib/timers/own-timers.js', () => jest.requireActual('../../utils/global-timers.js'));

// A due time comes as "in N ms" from the store, measured when the store ran
// the call. The reply arrives later, so the timer counts from when the call
// was sent (`since`), the earliest moment the store can have measured from.
describe('DueTimer', () => {
  const start = 1_000_000;
  // Send times are on the monotonic clock (performance.now), which jest's fake timers step with the rest.
  let sent0: number;
  let fired: number[];
  let timer: DueTimer;

  beforeEach(() => {
    jest.useFakeTimers({ now: start });
    sent0 = performance.now();
    fired = [];
    timer = new DueTimer(() => fired.push(Date.now() - start));
  });

  afterEach(() => {
    timer.stop();
    jest.useRealTimers();
  });

  it('counts from now when no send time is given', () => {
    timer.arm(100);
    jest.advanceTimersByTime(100);
    expect(fired).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(fired).toEqual([101]);
  });

  it('counts from the send time: a reply read 40 ms after its call was sent does not make the timer 40 ms late', () => {
    jest.advanceTimersByTime(40);
    timer.arm(100, sent0);
    jest.advanceTimersByTime(60);
    expect(fired).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(fired).toEqual([101]);
  });

  it('fires on the next tick when the due time has passed since the call was sent', () => {
    jest.advanceTimersByTime(250);
    timer.arm(100, sent0);
    jest.advanceTimersByTime(1);
    expect(fired).toEqual([251]);
  });

  it('takes a send time later than now as now', () => {
    timer.arm(50, sent0 + 10_000);
    jest.advanceTimersByTime(51);
    expect(fired).toEqual([51]);
  });

  it('keeps the earlier of two due times, each counted from its own send time', () => {
    jest.advanceTimersByTime(30);
    timer.arm(60, sent0 + 30);
    // Sent at the start, read now: due at 50, before the 90 armed above, so it replaces it.
    timer.arm(50, sent0);
    // Later than the one armed: kept as it is.
    timer.arm(70, sent0 + 30);
    jest.advanceTimersByTime(100);
    expect(fired).toEqual([51]);
  });

  it('is not moved by a step of the wall clock: a due time armed after a step forward still replaces a far one', () => {
    timer.arm(1_800_000);
    // NTP steps the clock 40 minutes forward (a VM resumed): Date.now jumps, the monotonic clock does not.
    jest.setSystemTime(start + 40 * 60_000);
    timer.arm(2_000);
    jest.advanceTimersByTime(2_001);
    expect(fired).toEqual([40 * 60_000 + 2_001]);
  });

  it('fires no more once stopped', () => {
    timer.arm(10, sent0);
    timer.stop();
    timer.arm(5);
    jest.advanceTimersByTime(100);
    expect(fired).toEqual([]);
  });
});
