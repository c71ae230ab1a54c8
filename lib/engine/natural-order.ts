const collator = new Intl.Collator('en', { numeric: true });

/**
 * Compares names as a person reads them: digits as numbers, so 'q2' comes before 'q10' (a plain sort puts
 * 'q10' first). Names the collator holds equal ('q01' and 'q1') fall back to their code units, so a list
 * read in no fixed order (a Redis set) sorts the same every time.
 */
export function byNaturalOrder(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}
