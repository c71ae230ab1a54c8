/**
 * An AbortController made only when someone asks for its signal: most
 * handlers never look at it, and creating one per task is measurable on the
 * hot path. Aborting before anyone asked is remembered, so a signal asked for
 * later comes already aborted with the same reason.
 */
export class LazyAbort {
  private controller: AbortController | null = null;
  private abortedWith: { reason: unknown } | null = null;

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.abortedWith) this.controller.abort(this.abortedWith.reason);
    }
    return this.controller.signal;
  }

  get aborted(): boolean {
    return this.abortedWith !== null;
  }

  abort(reason: unknown): void {
    if (this.abortedWith) return;
    this.abortedWith = { reason };
    this.controller?.abort(reason);
  }
}
