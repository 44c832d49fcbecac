/**
 * The whole search's cost guard (issue 14, point 5) over a target whose estimate is arithmetic
 * done by hand: $0.50 per shard per run, so a grid's sum, its runs and its most expensive point
 * are known before the guard computes them.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { guardSearchCost, searchCost } from '../../src/search/cost-guard.js';
import { gridPoints, parseAxes } from '../../src/search/grid.js';
import type { SearchJob } from '../../src/search/point.js';
import type { Target, TargetInteraction } from '../../src/targets/target.js';

const SCENARIO = `name: priced
duration: 10s
stream: { shards: 1 }
producers: [{ name: web, rate: 100/s, recordSize: 100B }]
`;

interface Options {
  limit?: number | undefined;
  ask: boolean;
}

/** $0.50 per shard per run; its limit and whether it asks are its options. */
const PRICED: Target<Options> = {
  name: 'priced',
  describe: () => 'a target priced by hand',
  options: z.object({ limit: z.number().optional(), ask: z.boolean() }),
  measures: [],
  supportsShares: false,
  prepare: () => Promise.reject(new Error('a guard test runs nothing')),
  estimateCost: ({ scenario }) => {
    const usd = 0.5 * (scenario.stream.shards ?? 0);
    return { totalUsd: usd, lines: [`estimated cost of the run: $${usd}`] };
  },
  costLimitUsd: (options) => options.limit,
  needsConfirmation: (options) => options.ask,
};

function job(seeds: number): SearchJob {
  return {
    file: 'priced.yaml',
    text: SCENARIO,
    cwd: '/',
    allowPaths: [],
    gates: [],
    rule: { seeds, share: 1 },
  };
}

function user(interactive: boolean, answer: boolean) {
  const printed: string[] = [];
  const asked: string[] = [];
  const interaction: TargetInteraction = {
    print: (line) => printed.push(line),
    interactive,
    confirm: async (question) => {
      asked.push(question);
      return answer;
    },
  };
  return { printed, asked, interaction };
}

const POINTS = gridPoints(parseAxes(['stream.shards=1..3']));

describe('the whole search priced', () => {
  it('sums every point times its seeds and names the most expensive point', () => {
    // Points at 1, 2, 3 shards: $0.50 + $1.00 + $1.50 = $3.00 a seed; 2 seeds: $6.00 over 3 × 2 = 6 runs.
    const cost = searchCost(job(2), POINTS, PRICED, { ask: false, limit: 10 })!;
    expect(cost.totalUsd).toBe(6);
    expect(cost.runs).toBe(6);
    expect(cost.points).toBe(3);
    expect(cost.most?.point.index).toBe(2);
    expect(cost.most?.usd).toBe(1.5);
    expect(cost.limitUsd).toBe(10);
  });

  it('is undefined for a target that costs nothing (no estimateCost)', () => {
    const { estimateCost: _, ...free } = PRICED;
    expect(searchCost(job(1), POINTS, free, { ask: false })).toBeUndefined();
  });
});

describe('the whole search guarded', () => {
  it('refuses a sum above the limit though every point is under it, without asking', async () => {
    // $3.00 for one seed each against a $2.00 limit: the dearest point alone ($1.50) is under it.
    const options = { ask: true, limit: 2 };
    const cost = searchCost(job(1), POINTS, PRICED, options);
    const u = user(true, true);
    await expect(guardSearchCost(PRICED, options, cost, 1, u.interaction)).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining('is above --max-cost $2.00, which applies to the whole search'),
    });
    expect(u.asked).toEqual([]);
    expect(u.printed[0]).toBe(
      'estimated cost of the search: $3.00 for 3 runs, limit $2.00 for the whole search',
    );
  });

  it('asks once for every run, and refuses with no one to ask, naming --yes', async () => {
    const options = { ask: true, limit: undefined };
    const cost = searchCost(job(2), POINTS, PRICED, options);
    const yes = user(true, true);
    await guardSearchCost(PRICED, options, cost, 2, yes.interaction);
    expect(yes.asked).toEqual([
      'Run the whole search: 6 runs against the priced target, each creating resources, for about $6.00 in all?',
    ]);
    const nobody = user(false, false);
    await expect(guardSearchCost(PRICED, options, cost, 2, nobody.interaction)).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining('confirm the whole search with --yes'),
    });
  });

  it('still asks when the target needs a yes but cannot price a run: the points will not ask again', async () => {
    const { estimateCost: _, ...unpriced } = PRICED;
    const options = { ask: true, limit: 10 };
    const nobody = user(false, false);
    await expect(
      guardSearchCost(
        unpriced,
        options,
        searchCost(job(1), POINTS, unpriced, options),
        1,
        nobody.interaction,
      ),
    ).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('--yes') });
    expect(nobody.printed).toEqual([]);
  });

  it('goes on without a question when the target needs none (a local endpoint, --yes)', async () => {
    const options = { ask: false, limit: 10 };
    const u = user(false, false);
    await guardSearchCost(PRICED, options, searchCost(job(1), POINTS, PRICED, options), 1, u.interaction);
    expect(u.asked).toEqual([]);
  });
});
