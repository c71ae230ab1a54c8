/**
 * Runs of a task whose failed attempts its history keeps: the history holds at
 * most this many times its attempts allowed. A retry from dead starts a run;
 * the runs before it are the evidence of why the task died, so a retry must
 * not push them out at once, yet a task retried by hand again and again must
 * not grow without bound.
 */
export const HISTORY_RUNS_KEPT = 3;
