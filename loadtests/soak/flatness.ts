/**
 * Does a series stay flat? After a warm-up, the samples are split in two halves: the series
 * passes when the median of the last half is no more than `allowed` above the median of the
 * first (allowed = the larger of an absolute and a relative tolerance). Medians, not means:
 * one GC pause or one burst of connections is not a trend. Falling is never a failure. The
 * least-squares slope of the samples after the warm-up is reported beside it, per minute.
 */
export interface Tolerance {
  absolute: number;
  relative: number;
}

export interface Flatness {
  series: string;
  unit: string;
  firstHalfMedian: number;
  lastHalfMedian: number;
  growth: number;
  allowed: number;
  slopePerMinute: number;
  samples: number;
  /** null: too few samples after the warm-up to judge. */
  pass: boolean | null;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const round = (value: number) => Math.round(value * 100) / 100;

export function judgeFlat(series: string, unit: string, points: { t: number; value: number }[], warmupSeconds: number, tolerance: Tolerance): Flatness {
  const after = points.filter((point) => point.t >= warmupSeconds);
  const half = Math.floor(after.length / 2);
  if (half < 2) {
    return { series, unit, firstHalfMedian: NaN, lastHalfMedian: NaN, growth: NaN, allowed: NaN, slopePerMinute: NaN, samples: after.length, pass: null };
  }
  const first = median(after.slice(0, half).map((point) => point.value));
  const last = median(after.slice(after.length - half).map((point) => point.value));
  const allowed = Math.max(tolerance.absolute, tolerance.relative * Math.abs(first));
  const meanT = after.reduce((sum, point) => sum + point.t, 0) / after.length;
  const meanV = after.reduce((sum, point) => sum + point.value, 0) / after.length;
  const covariance = after.reduce((sum, point) => sum + (point.t - meanT) * (point.value - meanV), 0);
  const variance = after.reduce((sum, point) => sum + (point.t - meanT) ** 2, 0);
  return {
    series,
    unit,
    firstHalfMedian: round(first),
    lastHalfMedian: round(last),
    growth: round(last - first),
    allowed: round(allowed),
    slopePerMinute: round(variance === 0 ? 0 : (covariance / variance) * 60),
    samples: after.length,
    pass: last - first <= allowed,
  };
}
