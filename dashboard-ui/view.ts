/** One page of the dashboard: built once per route, its data redrawn by each refresh (every poll). */
export interface View {
  /** What the browser tab says, before " · Tasks": e.g. "Overview", "billing · dead". */
  title: string;
  /** Builds the page's frame (controls that keep their state across refreshes) into `root`. */
  mount(root: HTMLElement): void;
  /** Reads the API and redraws the data parts. */
  refresh(): Promise<void>;
}
