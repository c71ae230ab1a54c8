/** How long to wait before the next attempt after a failure. */
export interface BackoffOptions {
  /** `fixed`: `delay` every time; `exponential`: `delay * 2^(attempt-1)`. */
  type: 'fixed' | 'exponential';
  /** Base delay in ms (>= 0). */
  delay: number;
  /** Upper bound in ms for the computed delay. */
  maxDelay?: number | undefined;
}
