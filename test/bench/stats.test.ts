// Timing summaries used by every benchmark: median, nearest-rank quantiles, warm-up and run counts.
import { median, quantile, round, timeRuns } from '../../bench/stats';

describe('bench stats', () => {
  test('median of odd and even counts, unsorted input left unchanged', () => {
    const xs = [5, 1, 3];
    expect(median(xs)).toBe(3);
    expect(xs).toEqual([5, 1, 3]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  test('nearest-rank quantiles', () => {
    const xs = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
    expect(quantile(xs, 0.9)).toBe(90);
    expect(quantile(xs, 0)).toBe(10);
    expect(quantile(xs, 1)).toBe(100);
  });

  test('empty input is refused rather than giving NaN', () => {
    expect(() => median([])).toThrow('median of no values');
    expect(() => quantile([], 0.5)).toThrow('quantile of no values');
  });

  test('timeRuns calls warm-up plus timed runs and reports ordered statistics', async () => {
    let calls = 0;
    const t = await timeRuns(() => void calls++, 7, 2);
    expect(calls).toBe(9);
    expect(t.runs).toBe(7);
    expect(t.minMs).toBeLessThanOrEqual(t.medianMs);
    expect(t.medianMs).toBeLessThanOrEqual(t.p90Ms);
  });

  test('round keeps the asked digits', () => {
    expect(round(1.23456)).toBe(1.235);
    expect(round(1.23456, 1)).toBe(1.2);
  });
});
