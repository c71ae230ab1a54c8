/** Options of `TaskQueue.list`. */
export interface ListOptions {
  queue?: string | undefined;
  offset?: number | undefined;
  /** Page size, 1 to 1,000 (default 100). */
  limit?: number | undefined;
  /**
   * Only tasks of this name. The filter looks at the first 10,000 tasks of the state (in list order), so a
   * page costs the same on a queue of a million; `offset` then counts tasks of that name.
   */
  name?: string | undefined;
  /**
   * false: each task without its payload, result and progress (a `TaskSummary`), which are then not read:
   * a listing that shows none of them costs the same whatever their size. Default true.
   */
  values?: boolean | undefined;
}

/** Options of `TaskQueue.throughput`. */
export interface ThroughputOptions {
  /** How many minutes back, the current one included: a whole number from 1 to 120 (default 60). */
  minutes?: number | undefined;
}
