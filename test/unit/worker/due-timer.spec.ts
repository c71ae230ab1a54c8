import { DueTimer } from '../../../lib/worker/due-timer.js';

// These specs step the worker's timers with jest's fake ones: the library's own timers follow the globals here.
jest.mock('../../../lib/timers/own-timers.js', () => jest.requireActual('../../utils/global-timers.js'));

// A due time comes as "in N ms" from the store, measured when the store ran
// the call. The reply arrives later, so the timer counts from when the call
// was sent (`since`), the earliest moment the store can have measured from.
describe('DueTimer', () => {
  const start = 1_000_000;
  let fired: number[];
  let timer: DueTimer;

  beforeEach(() => {
    jest.useFakeTimers({ now: start });
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
    jest.setSystemTime(start + 40);
    timer.arm(100, start);
    jest.advanceTimersByTime(60);
    expect(fired).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(fired).toEqual([101]);
  });

  it('fires on the next tick when the due time has passed since the call was sent', () => {
    jest.setSystemTime(start + 250);
    timer.arm(100, start);
    jest.advanceTimersByTime(1);
    expect(fired).toEqual([251]);
  });

  it('takes a send time later than now as now', () => {
    timer.arm(50, start + 10_000);
    jest.advanceTimersByTime(51);
    expect(fired).toEqual([51]);
  });

  it('keeps the earlier of two due times, each counted from its own send time', () => {
    jest.setSystemTime(start + 30);
    timer.arm(60, start + 30);
    // Sent at the start, read now: due at 50, before the 90 armed above, so it replaces it.
    timer.arm(50, start);
    // Later than the one armed: kept as it is.
    timer.arm(70, start + 30);
    jest.advanceTimersByTime(100);
    expect(fired).toEqual([51]);
  });

  it('fires no more once stopped', () => {
    timer.arm(10, start);
    timer.stop();
    timer.arm(5);
    jest.advanceTimersByTime(100);
    expect(fired).toEqual([]);
  });
});
