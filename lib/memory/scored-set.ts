/**
 * A set of ids ordered by score, then by id, as a Redis sorted set orders its
 * members: the in-memory engine keeps each of a queue's states in one, so
 * listing, popping and ties come out in the order the Redis engine gives.
 * Members are kept in a sorted array (binary insertion): the sizes a test or
 * a sample holds make that cheaper than a tree.
 */
export class ScoredSet {
  private readonly scores = new Map<string, number>();
  private readonly order: string[] = [];
  /** With ties by arrival: each member's place in the order of adds. */
  private readonly arrivals: Map<string, number> | null;
  private added = 0;

  /**
   * `ties: 'arrival'` orders members of one score by when they were added
   * rather than by id: for the finished sets, whose score is the finish time.
   * The virtual clock stands still while tasks run, so a whole drain finishes
   * in one millisecond, where on Redis each task's own millisecond orders them;
   * by id, count retention would keep the wrong ones (and generated ids do not
   * sort in enqueue order).
   */
  constructor(ties: 'id' | 'arrival' = 'id') {
    this.arrivals = ties === 'arrival' ? new Map() : null;
  }

  get size(): number {
    return this.order.length;
  }

  has(id: string): boolean {
    return this.scores.has(id);
  }

  score(id: string): number | undefined {
    return this.scores.get(id);
  }

  /** Adds `id`, or moves it to its new score. */
  add(id: string, score: number): void {
    if (this.scores.has(id)) this.delete(id);
    this.arrivals?.set(id, this.added++);
    this.scores.set(id, score);
    this.order.splice(this.position(id, score), 0, id);
  }

  /** Removes `id`; false when it was not there. */
  delete(id: string): boolean {
    const score = this.scores.get(id);
    if (score === undefined) return false;
    this.order.splice(this.position(id, score), 1);
    this.scores.delete(id);
    this.arrivals?.delete(id);
    return true;
  }

  /** The first member, or undefined when empty. */
  first(): string | undefined {
    return this.order[0];
  }

  /** Removes and returns up to `count` members from the start. */
  popFirst(count: number): string[] {
    const taken = this.order.splice(0, count);
    for (const id of taken) {
      this.scores.delete(id);
      this.arrivals?.delete(id);
    }
    return taken;
  }

  /** Members with a score of at most `max`, in order, up to `limit`. */
  upTo(max: number, limit = Number.POSITIVE_INFINITY): string[] {
    const out: string[] = [];
    for (const id of this.order) {
      if (out.length >= limit || this.scores.get(id)! > max) break;
      out.push(id);
    }
    return out;
  }

  /** Members from `offset`, at most `limit` of them, in order. */
  range(offset: number, limit: number): string[] {
    return this.order.slice(offset, offset + limit);
  }

  /** Every member, in order, with its score. */
  entries(): Array<[string, number]> {
    return this.order.map((id) => [id, this.scores.get(id)!]);
  }

  clear(): void {
    this.scores.clear();
    this.arrivals?.clear();
    this.order.length = 0;
  }

  /** Where `id` with `score` sits (or would): the first member ordered after it. */
  private position(id: string, score: number): number {
    let low = 0;
    let high = this.order.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const other = this.order[mid]!;
      const otherScore = this.scores.get(other)!;
      if (otherScore < score || (otherScore === score && this.tieBefore(other, id))) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** Whether `other` comes before `id` at one score. */
  private tieBefore(other: string, id: string): boolean {
    return this.arrivals ? this.arrivals.get(other)! < this.arrivals.get(id)! : other < id;
  }
}
