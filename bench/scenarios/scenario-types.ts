import type { LibraryAdapter } from '../adapters/library-adapter.js';

/** What every scenario gets from the orchestrator, besides its own parameters. */
export interface BaseParams {
  redisUrl: string;
  /** The bench-only key prefix of this run. */
  prefix: string;
}

/** Figures a scenario reports, by metric name. */
export type Metrics = Record<string, number>;

/** One measurement of one library, run in a fresh child process. */
export type Scenario<P> = (adapter: LibraryAdapter, params: P & BaseParams) => Promise<Metrics>;
