/** Small statistics helpers: medians of runs, percentiles of samples. */

export interface Summary {
  median: number;
  min: number;
  max: number;
}

/** The value at quantile q (0..1) of the samples, by linear interpolation between closest ranks. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function summarize(values: readonly number[]): Summary | null {
  if (values.length === 0) return null;
  return { median: quantile(values, 0.5), min: Math.min(...values), max: Math.max(...values) };
}

/** ours compared with another library, oriented so that above 1 means ours is better. */
export function ratio(ours: number | null, other: number | null, better: 'higher' | 'lower'): number | null {
  if (ours === null || other === null) return null;
  const [num, den] = better === 'higher' ? [ours, other] : [other, ours];
  return den > 0 && num >= 0 ? num / den : null;
}
