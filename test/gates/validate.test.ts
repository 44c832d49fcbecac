import { describe, expect, it } from 'vitest';
import { formatProblem, InvalidInputError } from '../../src/errors.js';
import { checkGates, gatesCheck, parseCliGates, parseScenarioGates } from '../../src/gates/validate.js';
import { parseScenario } from '../../src/scenario/load.js';

const KNOWN = [
  'putLatency.p50',
  'putLatency.p99',
  'throttledRatio',
  'hotKey.maxShardUtilization',
  'cost.monthly.provisioned',
  'cost.monthly.onDemand',
  'consumers.archiver.lagSeconds.max',
  'shards.recommended',
];

function thrown(fn: () => unknown): InvalidInputError {
  try {
    fn();
  } catch (error) {
    if (error instanceof InvalidInputError) return error;
    throw error;
  }
  throw new Error('nothing thrown');
}

describe('checkGates', () => {
  it('finds nothing wrong with good gates', () => {
    expect(
      checkGates(
        [
          'putLatency.p99 < 250ms',
          'throttledRatio <= 0.1%',
          'cost.monthly.provisioned < $1,500',
          'shards.recommended <= 32',
        ],
        KNOWN,
      ),
    ).toEqual([]);
  });

  it('reports every bad gate at once, each at its path', () => {
    const issues = checkGates(
      ['putLatency.p99 < 250xs', 'throttleRatio <= 0.001', 'putLatency.p99 < 5MiB', 'cost.monthly < $1500'],
      KNOWN,
    );
    expect(issues).toEqual([
      {
        path: ['gates', 0],
        severity: 'error',
        message: 'not a valid gate: unknown unit "xs" (column 21)',
        expected: 'a number with an optional unit, e.g. 250ms, 64MiB, 1.5MiB/s, 5k/s, $1500 or 5%',
        found: '"250xs"',
        hint: 'did you mean "ms"?',
      },
      {
        path: ['gates', 1],
        severity: 'error',
        message: 'unknown metric "throttleRatio"',
        hint: 'did you mean "throttledRatio"?',

        // Neither name is of a consumer, a Firehose stream or the stream's count: unknown whatever
        // else is broken in the scenario, so a loader reports it beside the other problems.
        dependsOn: [],
      },
      {
        path: ['gates', 2],
        severity: 'error',
        message: 'putLatency.p99 is a duration (seconds), but 5MiB is a size',
        expected: 'a duration with its unit, such as 250ms, 2s or 5m (a plain number only for 0)',
        found: '"5MiB"',
      },
      {
        path: ['gates', 3],
        severity: 'error',
        message: 'unknown metric "cost.monthly"',
        hint: '"cost.monthly" is a group of metrics: pick one of "cost.monthly.provisioned" and "cost.monthly.onDemand"',

        // Neither name is of a consumer, a Firehose stream or the stream's count: unknown whatever
        // else is broken in the scenario, so a loader reports it beside the other problems.
        dependsOn: [],
      },
    ]);
  });

  it('quotes the whole gate when a syntax error has no better "found"', () => {
    expect(checkGates(['putLatency.p99 = 1s'], KNOWN)).toEqual([
      {
        path: ['gates', 0],
        severity: 'error',
        message: 'not a valid gate: unknown comparison "=" (column 16)',
        expected: 'one of <, <=, >, >=, == or !=',
        found: '"putLatency.p99 = 1s"',
        hint: 'write == to compare for equality',
      },
    ]);
  });

  it('finds case-insensitive and last-segment matches', () => {
    const hints = checkGates(
      ['PutLatency.p99 < 1s', 'archiver.lagSeconds.max < 1m', 'bananas > 1'],
      KNOWN,
    ).map((i) => i.hint);
    expect(hints).toEqual([
      'did you mean "putLatency.p99"? (metric names are case-sensitive)',
      'did you mean "consumers.archiver.lagSeconds.max"?',
      'a gate names a plan metric (listed by `shardcast plan --json` under "metrics", and in the README, "Plan metrics") or a run metric (in result.json under "metrics", and in the README, "Run metrics")',
    ]);
  });

  it.each<[string, string]>([
    ['throttledRatio < 5MiB/s', 'a percentage such as 5% or a fraction such as 0.05'],
    ['cost.monthly.provisioned < 15%', 'an amount such as $1500 or $1,500.50 (or a plain number of USD)'],
    ['shards.recommended < 5k/s', 'a plain number such as 12'],
    [
      'consumers.archiver.lagSeconds.max < $5',
      'a duration with its unit, such as 250ms, 2s or 5m (a plain number only for 0)',
    ],
  ])('a unit that does not fit: %s', (text, expected) => {
    const [issue] = checkGates([text], KNOWN);
    expect(issue?.severity).toBe('error');
    expect(issue?.expected).toBe(expected);
  });

  it('warns when a ratio gets a plain number above 1 (a percentage without %), but not a utilisation', () => {
    expect(checkGates(['throttledRatio < 5', 'hotKey.maxShardUtilization < 1.2'], KNOWN)).toEqual([
      {
        path: ['gates', 0],
        severity: 'warning',
        message: 'throttledRatio is a fraction between 0 and 1, so it is never near 5',
        hint: 'for 5 percent write 5%',
      },
    ]);
  });

  it('uses the path prefix it is given, and skips the name check without known metrics', () => {
    expect(
      checkGates(['anything.goes < 1', 'putLatency.p99 < 1GB'], null, ['ci', 'gates']).map((i) => i.path),
    ).toEqual([['ci', 'gates', 1]]);
  });
});

describe('gatesCheck in the scenario loader', () => {
  it('points each problem at the gate’s file:line:column', () => {
    const yaml = [
      'name: gated',
      'stream: { shards: 2 }',
      'producers:',
      '  - { name: web, rate: 1000/s }',
      'gates:',
      '  - putLatency.p99 < 250ms',
      '  - throttleRatio <= 0.001',
      '  - putLatency.p99 < 5MiB',
      '',
    ].join('\n');
    const error = thrown(() => parseScenario(yaml, 'gated.yaml', { checks: [gatesCheck(() => KNOWN)] }));
    expect(error.problems.map(formatProblem)).toEqual([
      'gated.yaml:7:5: gates[1]: unknown metric "throttleRatio"\n    hint: did you mean "throttledRatio"?',
      'gated.yaml:8:5: gates[2]: putLatency.p99 is a duration (seconds), but 5MiB is a size (expected a duration with its unit, such as 250ms, 2s or 5m (a plain number only for 0), found "5MiB")',
    ]);
  });
});

describe('parseCliGates', () => {
  it('parses --gate arguments as gates from the command line', () => {
    const gates = parseCliGates(['putLatency.p99 < 250ms', 'cost.monthly.provisioned < $1,500']);
    expect(gates.map((g) => [g.metric, g.value, g.source])).toEqual([
      ['putLatency.p99', 0.25, 'cli'],
      ['cost.monthly.provisioned', 1500, 'cli'],
    ]);
  });

  it('throws one problem per bad argument, located at --gate[i]', () => {
    const error = thrown(() => parseCliGates(['putLatency.p99 < 250ms', 'm <', 'm = 1']));
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe('2 problems found');
    expect(error.problems).toEqual([
      {
        location: { file: '--gate', path: '--gate[1]' },
        message: 'not a valid gate: missing a value after "<" (column 4)',
        expected: 'a number with an optional unit, e.g. 250ms, 64MiB, 1.5MiB/s, 5k/s, $1500 or 5%',
        found: '"m <"',
      },
      {
        location: { file: '--gate', path: '--gate[2]' },
        message: 'not a valid gate: unknown comparison "=" (column 3)',
        expected: 'one of <, <=, >, >=, == or !=',
        found: '"m = 1"',
        hint: 'write == to compare for equality',
      },
    ]);
    expect(formatProblem(error.problems[0]!)).toBe(
      '--gate[1]: not a valid gate: missing a value after "<" (column 4) (expected a number with an optional unit, e.g. 250ms, 64MiB, 1.5MiB/s, 5k/s, $1500 or 5%, found "m <")',
    );
  });

  it('checks metric names when it knows them', () => {
    const error = thrown(() => parseCliGates(['throttleRatio < 1%'], KNOWN));
    expect(error.problems[0]).toMatchObject({
      location: { file: '--gate', path: '--gate[0]' },
      message: 'unknown metric "throttleRatio"',
      hint: 'did you mean "throttledRatio"?',
    });
  });

  it('lets a warning through', () => {
    expect(parseCliGates(['throttledRatio < 5'], KNOWN)).toHaveLength(1);
  });
});

describe('parseScenarioGates', () => {
  it('locates a problem at gates[i] of the file', () => {
    expect(parseScenarioGates(['m < 1'], 'a.yaml')[0]?.source).toBe('scenario');
    const error = thrown(() => parseScenarioGates(['m < 1', 'm <<'], 'a.yaml'));
    expect(error.problems[0]?.location).toEqual({ file: 'a.yaml', path: 'gates[1]' });
  });
});
