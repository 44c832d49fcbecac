import { describe, expect, it } from 'vitest';
import { downsample, SeriesBuilder } from '../../src/result/series.js';
import { buildShardSeries } from '../../src/result/shard-rows.js';

describe('SeriesBuilder', () => {
  it('sums tick values into one-second slots, ⌈duration⌉ of them', () => {
    const series = new SeriesBuilder(2.5);
    expect(series.length).toBe(3);
    // 25 ticks of 0.1 s, their times accumulated as the engine's clock would: 0.1 + 0.1 + … drifts a
    // hair under each whole second (0.1 × 10 summed is 0.9999999999999999), and still lands in it.
    let t = 0;
    for (let tick = 0; tick < 25; tick++) {
      series.add('acknowledged', t, 2);
      t += 0.1;
    }
    // Seconds 0 and 1 get 10 ticks × 2; second 2 covers [2, 2.5): 5 ticks × 2.
    expect(series.get('acknowledged')).toEqual([20, 20, 10]);
  });

  it('keeps the last value of a gauge in each second and holds it over seconds with none', () => {
    const series = new SeriesBuilder(5);
    series.set('lag', 0.5, 1);
    series.set('lag', 0.9, 2);
    series.set('lag', 3.2, 0.5);
    expect(series.get('lag')).toEqual([2, 2, 2, 0.5, 0.5]);
  });

  it('keeps the peak of a max series, 0 where nothing was reported', () => {
    const series = new SeriesBuilder(3);
    series.max('peak', 0.1, 4);
    series.max('peak', 0.2, 9);
    series.max('peak', 0.3, 1);
    series.max('peak', 2.5, 0.5);
    expect(series.get('peak')).toEqual([9, 0, 0.5]);
  });

  it('puts the run end itself in the last second and refuses times outside the run', () => {
    const series = new SeriesBuilder(3);
    series.add('objects', 3, 1);
    expect(series.get('objects')).toEqual([0, 0, 1]);
    expect(() => series.add('objects', 3.5, 1)).toThrow(RangeError);
    expect(() => series.add('objects', -0.1, 1)).toThrow(/outside the run/);
    expect(() => new SeriesBuilder(0)).toThrow(RangeError);
  });

  it('gives zeros for unknown names, lists names in order and groups by prefix', () => {
    const series = new SeriesBuilder(2);
    expect(series.get('nothing')).toEqual([0, 0]);
    series.add('delivered.orders', 0, 5);
    series.set('lag.orders', 1, 3);
    series.add('delivered.audit', 1, 7);
    expect(series.names()).toEqual(['delivered.orders', 'lag.orders', 'delivered.audit']);
    expect(series.has('lag.orders')).toBe(true);
    expect(series.group('delivered.')).toEqual({ orders: [5, 0], audit: [0, 7] });
    // A copy: changing it leaves the builder alone.
    series.get('delivered.orders')[0] = 99;
    expect(series.get('delivered.orders')).toEqual([5, 0]);
  });

  it('refuses one name used as two kinds of series', () => {
    const series = new SeriesBuilder(2);
    series.add('x', 0, 1);
    expect(() => series.set('x', 0, 1)).toThrow(/sum series/);
  });
});

describe('downsample', () => {
  const values = [1, 5, 2, 2, 9, 0, 4];
  it('combines every step points, the last from fewer', () => {
    expect(downsample(values, 3)).toEqual([5, 9, 4]);
    expect(downsample(values, 3, 'sum')).toEqual([8, 11, 4]);
    expect(downsample(values, 3, 'mean')).toEqual([8 / 3, 11 / 3, 4]);
    expect(downsample(values, 1)).toEqual(values);
    expect(downsample([], 5)).toEqual([]);
    expect(() => downsample(values, 0)).toThrow(RangeError);
    expect(() => downsample(values, 1.5)).toThrow(RangeError);
  });
});

describe('buildShardSeries', () => {
  it("downsamples every shard by max and keeps the hottest at the rows' step, ties to the lower shard", () => {
    // rows[second][shard]; shard 3 has the same peak as shard 0 (0.8): the lower index ranks first.
    const rows = [
      [0.2, 0.3, 0.5, 0.8],
      [0.8, 0.1, 1.2, 0.1],
      [0.4, 0.2, 0.9, 0.1],
      [0.1, 0.2, 0.3, 0.2],
    ];
    // 4 rows into at most 2 points: ⌈4 ÷ 2⌉ = 2 rows a point, a 2-second step.
    expect(buildShardSeries(rows, { seconds: 4, coarsePoints: 2, hottestCount: 3 })).toEqual({
      stepSeconds: 2,
      all: [
        [0.8, 0.4],
        [0.3, 0.2],
        [1.2, 0.9],
        [0.8, 0.2],
      ],
      hottest: [
        { shard: 2, utilization: [0.5, 1.2, 0.9, 0.3] },
        { shard: 0, utilization: [0.2, 0.8, 0.4, 0.1] },
        { shard: 3, utilization: [0.8, 0.1, 0.1, 0.2] },
      ],
    });
  });

  it("says null where a shard did not exist and names the rows' step when it is coarser", () => {
    // Rows of 2 seconds; shard 1 opens in the second row (a reshard). 6 s = 3 rows, 1 point a row.
    const rows = [[0.5], [0.25, 0.75], undefined];
    expect(
      buildShardSeries(rows, { seconds: 6, rowStepSeconds: 2, coarsePoints: 10, hottestCount: 1 }),
    ).toEqual({
      stepSeconds: 2,
      all: [
        [0.5, 0.25, null],
        [null, 0.75, null],
      ],
      hottest: [{ shard: 1, utilization: [0, 0.75, 0] }],
      hottestStepSeconds: 2,
    });
    expect(() => buildShardSeries(rows, { seconds: 6, coarsePoints: 0, hottestCount: 1 })).toThrow(
      RangeError,
    );
  });
});
