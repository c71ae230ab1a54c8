/**
 * How recovery words the error of an attempt whose worker stopped renewing its
 * lease (recover.lua, memory-outcomes.ts): such an attempt's end is when the
 * lease was taken back, not when its handler stopped, so readers that show a
 * run time (the CLI's show, the dashboard's timeline) say so instead.
 */
export const LOST_ATTEMPT_MESSAGE = /^attempt \d+ was lost: /;

/** Whether an attempt's error is recovery's: its worker was lost, and its end is the takeover. */
export function isLostAttempt(error: { message: string } | null | undefined): boolean {
  return error != null && LOST_ATTEMPT_MESSAGE.test(error.message);
}
