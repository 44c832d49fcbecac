import { describe, expect, it } from 'vitest';
import { downsample } from '../../src/result/series.js';
import { buildShardSeries } from '../../src/result/shard-rows.js';

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
