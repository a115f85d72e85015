/**
 * Histograms of whole minutes, as the insights rollups keep them: element i counts the
 * durations of i minutes (seconds rounded down), the element at `histogramCap` those of
 * `histogramCap` minutes or more. Trailing zeros are left out, so an hour with short waits
 * keeps a short array. Merging is element-wise addition, so any grouping of rollup rows gives
 * the exact distribution of its visits (at one-minute resolution); percentiles are read from
 * the merged counts, never averaged.
 */
export type Histogram = number[];

/** Twelve hours: longer waits or services are counted together, as "12 hours or more". */
export const histogramCap = 720;

/** The bucket of a duration in seconds (negative clock skew counts as zero). */
export function minuteBucket(seconds: number): number {
  return Math.min(histogramCap, Math.max(0, Math.floor(seconds / 60)));
}

/** Adds `count` samples of `minute` to `histogram` in place, growing it as needed. */
export function addSample(histogram: Histogram, minute: number, count = 1): Histogram {
  while (histogram.length <= minute) histogram.push(0);
  histogram[minute] += count;
  return histogram;
}

/** Element-wise sum, trailing zeros dropped. */
export function mergeHistograms(...histograms: Histogram[]): Histogram {
  const merged: Histogram = [];
  for (const histogram of histograms) histogram.forEach((count, minute) => count && addSample(merged, minute, count));
  return merged;
}

export function sampleCount(histogram: Histogram): number {
  return histogram.reduce((sum, count) => sum + count, 0);
}

/**
 * The nearest-rank percentile: the smallest minute m with at least `percent`% of the samples
 * at or below m (what PostgreSQL's percentile_disc gives on the raw minutes, so the rollups
 * can be checked against the rows). Integer arithmetic, so 90% of 10 samples is exactly 9.
 * Null without samples.
 */
export function percentile(histogram: Histogram, percent: number): number | null {
  const total = sampleCount(histogram);
  if (total === 0) return null;
  let seen = 0;
  for (let minute = 0; minute < histogram.length; minute += 1) {
    seen += histogram[minute];
    if (seen * 100 >= total * percent) return minute;
  }
  return histogram.length - 1;
}
