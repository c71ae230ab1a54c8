/** One page of the dashboard: built once per route, its data redrawn by each refresh (every poll). */
export interface View {
  /** Builds the page's frame (controls that keep their state across refreshes) into `root`. */
  mount(root: HTMLElement): void;
  /** Reads the API and redraws the data parts. */
  refresh(): Promise<void>;
}
