/**
 * Compares names as a person reads them: digits as numbers, so 'q2' comes before 'q10' (a plain sort puts
 * 'q10' first). Queue, worker and handler lists are sorted with it wherever a person reads them.
 */
export const byNaturalOrder: (a: string, b: string) => number = new Intl.Collator('en', { numeric: true }).compare;
