import { addSample, histogramCap, mergeHistograms, minuteBucket, percentile, sampleCount } from './histogram';

const of = (...minutes: number[]) => minutes.reduce((histogram, minute) => addSample(histogram, minute), [] as number[]);

describe('minute histograms', () => {
  it('buckets seconds by whole minutes, capped, never negative', () => {
    expect([0, 59, 60, 119, 120, -5].map(minuteBucket)).toEqual([0, 0, 1, 1, 2, 0]);
    expect(minuteBucket(histogramCap * 60 - 1)).toBe(histogramCap - 1);
    expect(minuteBucket(30 * 3600)).toBe(histogramCap);
  });

  it('merges element-wise, whatever the lengths, without trailing zeros', () => {
    expect(mergeHistograms([1, 0, 2], [0, 3], [], [0, 0, 0, 0, 1])).toEqual([1, 3, 2, 0, 1]);
    expect(mergeHistograms([0, 0], [])).toEqual([]);
  });

  it('reads p50 and p90 by nearest rank (hand-computed)', () => {
    // Waits 1,2,3,4,5,6,7,8,9,10: p50 is the 5th (5), p90 the 9th (9).
    const tens = of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    expect([percentile(tens, 50), percentile(tens, 90)]).toEqual([5, 9]);
    // 3, 3, 12: p50 rank ceil(1.5)=2 -> 3; p90 rank ceil(2.7)=3 -> 12.
    const skewed = of(12, 3, 3);
    expect([percentile(skewed, 50), percentile(skewed, 90)]).toEqual([3, 12]);
    // One sample is every percentile; none is null.
    expect([percentile(of(7), 50), percentile(of(7), 90)]).toEqual([7, 7]);
    expect(percentile([], 50)).toBeNull();
  });

  it('gives the percentile of the whole, not the average of the parts', () => {
    // Two hours: 9 visits waiting 1 minute, then 1 visit waiting 30. Averaging the two hours'
    // p90s would give 15.5; the merged distribution's p90 is the 9th wait, 1 minute.
    const quiet = of(1, 1, 1, 1, 1, 1, 1, 1, 1);
    const late = of(30);
    const merged = mergeHistograms(quiet, late);
    expect(sampleCount(merged)).toBe(10);
    expect(percentile(merged, 90)).toBe(1);
    expect(percentile(merged, 91)).toBe(30);
    // Merging in any order or grouping gives the same distribution.
    expect(mergeHistograms(late, quiet)).toEqual(merged);
    expect(mergeHistograms(mergeHistograms(of(2), of(5)), of(9))).toEqual(mergeHistograms(of(2), mergeHistograms(of(5), of(9))));
  });

  it('reports the overflow bucket as the cap', () => {
    const long = of(histogramCap, histogramCap, 10);
    expect(percentile(long, 90)).toBe(histogramCap);
  });
});
