// Summary statistics used by the benchmark processes and the report.

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The p-th percentile of an ascending array: the element at floor(p/100 · length), as the reference reports it. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

/** A value measured once per round: the median across rounds, the range, and the spread (max−min)/median. */
export interface Aggregate {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly spreadPct: number;
  readonly n: number;
}

export function aggregate(values: readonly number[]): Aggregate {
  const m = median(values);
  const min = Math.min(...values);
  const max = Math.max(...values);
  const spreadPct = m === 0 ? 0 : round((100 * (max - min)) / m, 1);
  return { median: m, min, max, spreadPct, n: values.length };
}

export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Two-sided binomial 2σ of a share p observed over n trials. */
export function binomialTwoSigma(p: number, n: number): number {
  return 2 * Math.sqrt((p * (1 - p)) / n);
}
