/**
 * `shardcast sweep` end to end, in-process (issue 14, point 1): a grid of --set overrides, each
 * point run on the model in worker threads, one table of every point (sweep.json, sweep.csv), and
 * every mistake an exit 2 that names its argument, before any run.
 */
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { SearchTable } from '../../src/search/types.js';
import { FakeIo, run } from '../helpers/fake-io.js';

/** A person at a terminal: the progress line is drawn. */
class TerminalIo extends FakeIo {
  override readonly isTTY = true;
}

const OUT = '/tmp/shardcast-sweep-test';

/** `20250101-000000`: a date as the default folder names it (UTC). */
function stampOf(date: Date): string {
  return date.toISOString().replace(/-|:/g, '').replace('T', '-').slice(0, 15);
}

/**
 * Records bound it: 100 B records, one per request, unique keys, so each shard carries its 1,000
 * records/s (its 1 MiB/s would be 10,486 records of 100 B: the records limit binds first).
 */
const SCENARIO = `name: records-bound
duration: 10s
stream:
  shards: 4
producers:
  - name: web
    rate: 2k/s
    recordSize: 100B
    keys: { dist: unique }
    batching: { maxRecords: 1 }
gates:
  - throttledRatio <= 0.001
`;
const FILES = { 'rb.yaml': SCENARIO };
const GRID = ['--vary', 'stream.shards=4..8 step 2', '--vary', 'producers[0].rate=2k/s,5k/s'];

/** The CSV's rows as records by column name (its fields hold no commas here but the gate texts, quoted none). */
function csvRows(csv: string): Record<string, string>[] {
  const [header, ...rows] = csv
    .trimEnd()
    .split('\r\n')
    .map((line) => line.split(','));
  return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i] ?? ''])));
}

describe('shardcast sweep', () => {
  it('runs every grid point exactly once, in CSV and JSON, passing where the records bound says', async () => {
    const { code, stdout, stderr, io } = await run(
      ['sweep', 'rb.yaml', ...GRID, '--parallel', '2', '--out', `${OUT}/a`],
      FILES,
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const table = JSON.parse(io.writtenFile(`${OUT}/a/sweep.json`)!) as SearchTable;
    const rows = csvRows(io.writtenFile(`${OUT}/a/sweep.csv`)!);
    const grid = [
      ['4', '2k/s'],
      ['4', '5k/s'],
      ['6', '2k/s'],
      ['6', '5k/s'],
      ['8', '2k/s'],
      ['8', '5k/s'],
    ];
    expect(table.points.map((p) => [p.point.at['stream.shards'], p.point.at['producers[0].rate']])).toEqual(
      grid,
    );
    expect(rows.map((r) => [r['stream.shards'], r['producers[0].rate']])).toEqual(grid);
    // 4 shards carry 4 × 1,000 = 4,000 records/s: 2k/s (50 %) passes, 5k/s (125 %) throttles;
    // 6 carry 6,000: 5k/s is 83 %; 8 carry 8,000: 5k/s is 62.5 %. Only (4, 5k/s) fails.
    const passed = [true, false, true, true, true, true];
    expect(table.points.map((p) => p.passed)).toEqual(passed);
    expect(rows.map((r) => r.passed)).toEqual(passed.map(String));
    expect(rows.map((r) => r['gate: throttledRatio <= 0.001'])).toEqual(
      passed.map((p) => (p ? 'pass' : 'fail')),
    );
    // At 125 % at least 1 − 4,000 ÷ 5,000 = 20 % of first attempts are refused; retries add more.
    expect(table.points[1]!.metrics.throttledRatio).toBeGreaterThan(0.2);
    expect(table.points[1]!.binding).toBe('throttledRatio <= 0.001');
    expect(table.gates).toEqual(['throttledRatio <= 0.001']);
    expect(table.header.parallel).toBe(2);
    expect(table.header.durationSeconds).toBe(10);
    expect(table.rule).toEqual({ seeds: 1, share: 1 });
    // No consumer: end-to-end latency does not exist, and is an empty cell, not a made-up 0.
    expect(rows[0]!['e2eLatency.p99']).toBe('');
    expect(rows[0]!['shards.configured']).toBe('4');
    expect(stdout).toContain('5 of 6 points passed every gate (throttledRatio <= 0.001).');
    expect(stdout).toMatch(/^\s+1\s+4\s+5k\/s\s+fail\s+throttledRatio <= 0\.001/m);
    expect(stdout).toContain(`Wrote ${OUT}/a/sweep.json, sweep.csv and the report ${OUT}/a/index.html`);
  });

  it('runs each point with --seeds N seeds, passing by --pass-share, in this thread with --parallel 1', async () => {
    const { code, stdout, io } = await run(
      [
        'sweep',
        'rb.yaml',
        '--vary',
        'producers[0].rate=2k/s,5k/s',
        '--seeds',
        '2',
        '--pass-share',
        '50%',
        '--parallel',
        '1',
        '--json',
        '--out',
        `${OUT}/b`,
        '--gate',
        'putLatency.p99 < 1s',
      ],
      FILES,
    );
    expect(code).toBe(0);
    const table = JSON.parse(stdout) as SearchTable;
    expect(stdout).toBe(io.writtenFile(`${OUT}/b/sweep.json`));
    expect(table.rule).toEqual({ seeds: 2, share: 0.5 });
    expect(table.header.parallel).toBe(1);
    expect(table.gates).toEqual(['throttledRatio <= 0.001', 'putLatency.p99 < 1s']);
    expect(table.points.map((p) => p.runs.map((r) => r.seed))).toEqual([
      [table.points[0]!.runs[0]!.seed, table.points[0]!.runs[0]!.seed + 1],
      [table.points[0]!.runs[0]!.seed, table.points[0]!.runs[0]!.seed + 1],
    ]);
    // 4 shards: 2k/s passes with both seeds, 5k/s (125 %) with neither.
    expect(table.points.map((p) => p.passShare)).toEqual([1, 0]);
  });

  it('reads a range written without quotes (--vary stream.shards=4..8 step 4), and names its default folder by the time', async () => {
    const { code, stdout, io } = await run(
      ['sweep', 'rb.yaml', '--vary', 'stream.shards=4..8', 'step', '4', '--parallel', '1', '--json'],
      FILES,
    );
    expect(code).toBe(0);
    const table = JSON.parse(stdout) as SearchTable;
    expect(table.axes[0]!.text).toBe('stream.shards=4..8 step 4');
    expect(table.points.map((p) => p.point.at['stream.shards'])).toEqual(['4', '8']);
    // FakeIo's clock: 2025-01-01T00:00:00Z.
    const written = [...io.written.keys()].map((path) => path.slice(io.cwd.length + 1));
    expect(written).toEqual([
      `reports/records-bound/sweep-${stampOf(io.now())}/sweep.json`,
      `reports/records-bound/sweep-${stampOf(io.now())}/sweep.csv`,
      `reports/records-bound/sweep-${stampOf(io.now())}/index.html`,
    ]);
    expect(stampOf(io.now())).toBe('20250101-000000');
  });

  it('draws points done out of the total on a terminal, and clears the line before the summary', async () => {
    const io = new TerminalIo({ files: FILES });
    const code = await main(
      ['sweep', 'rb.yaml', '--vary', 'producers[0].rate=5k/s,2k/s', '--parallel', '1', '--out', `${OUT}/tty`],
      io,
    );
    expect(code).toBe(0);
    // 5k/s on 4 shards (125 %) fails first; 2k/s passes.
    expect(io.err).toBe(
      '\r\x1b[2Ksweep: 1/2 points done, 1 not passing\r\x1b[2Ksweep: 2/2 points done, 1 not passing\r\x1b[2K',
    );
    expect(io.out).toContain('1 of 2 points passed every gate');
  });

  it.each([
    [
      ['--vary', 'stream.shards=8..4'],
      '--vary[0]: stream.shards=8..4: the range runs backwards: "4" is below "8"',
    ],
    [
      ['--vary', 'stream.shards=4', '--vary', 'stream.shards'],
      '--vary[1]: stream.shards: not PATH=VALUES: there is no "="',
    ],
    [
      ['--vary', 'stream.shards=4', '--seeds', '0'],
      'error: --seeds "0" is not a whole number from 1 to 1000',
    ],
    [
      ['--vary', 'stream.shards=4', '--seed', '4294967295', '--seeds', '2'],
      'error: --seeds 2 from seed 4294967295 reaches seed 4294967296, above the largest, 4294967295',
    ],
    [
      ['--vary', 'stream.shards=4', '--pass-share', '1.5'],
      'error: --pass-share "1.5" is not a share above 0 and at most 1',
    ],
    [
      ['--vary', 'stream.shards=4', '--parallel', 'many'],
      'error: --parallel "many" is not a whole number from 1 to 1024',
    ],
    [['--vary', 'stream.shards=4', '--gate', 'nope < 1'], '--gate[0]'],
    [
      ['--vary', 'stream.shards=4', '--target', 'aws'],
      'confirm the whole search with --yes (no one is at a terminal to ask); nothing was created',
    ],
    [['--vary', 'stream.shards=4', '--target', 'nowhere'], 'error: unknown target "nowhere"'],
    [
      ['--vary', 'stream.shards=4', '--target', 'aws', '--parallel', '2'],
      'error: --parallel 2: against the aws target the points run one at a time',
    ],
    [
      ['--vary', 'stream.shards=4', '--url', 'http://127.0.0.1:1/x'],
      'error: --url is an option of the http target, not of the model target',
    ],
    [['--vary', 'stream.shards=4', '--target', 'aws', '--max-cost', 'lots'], '--max-cost'],
    [[], 'error: sweep needs at least one --vary PATH=VALUES'],
  ])('refuses %j with exit 2, saying where, writing nothing', async (extra, expected) => {
    const { code, stderr, io } = await run(['sweep', 'rb.yaml', ...extra, '--out', `${OUT}/bad`], FILES);
    expect(stderr).toContain(expected);
    expect(stderr).not.toMatch(/internal error|\n\s+at /);
    expect(code).toBe(2);
    expect(io.written.size).toBe(0);
  });

  it('checks every point before any run: a value the schema refuses names its --vary argument and point', async () => {
    const { code, stderr, io } = await run(
      [
        'sweep',
        'rb.yaml',
        '--vary',
        'producers[0].rate=1k/s,2k/s',
        '--vary',
        'stream.shards=4,0,-1',
        '--out',
        `${OUT}/c`,
      ],
      FILES,
    );
    expect(code).toBe(2);
    expect(io.written.size).toBe(0);
    // Grid row-major: (1k/s, 4) (1k/s, 0) (1k/s, −1) (2k/s, 4) (2k/s, 0) (2k/s, −1): 4 of 6 cannot run.
    expect(stderr).toMatch(/^error: 4 of 6 points cannot run; nothing was run$/m);
    expect(stderr).toMatch(/^ {2}--vary\[1\]: point 1 \(producers\[0\]\.rate=1k\/s, stream\.shards=0\): /m);
    expect(stderr).toMatch(/^ {2}--vary\[1\]: point 5 \(producers\[0\]\.rate=2k\/s, stream\.shards=-1\): /m);
  });

  it("refuses a point beyond the model's work bound before any run, naming the point", async () => {
    const { code, stderr, io } = await run(
      ['sweep', 'rb.yaml', '--vary', 'stream.shards=4,100000', '--duration', '1d', '--out', `${OUT}/d`],
      FILES,
    );
    expect(code).toBe(2);
    expect(io.written.size).toBe(0);
    // 86,400 s ÷ 0.1 s = 864,000 ticks × 100,000 shards = 86,400,000,000 shard-ticks.
    expect(stderr).toMatch(/^error: 1 of 2 points cannot run; nothing was run$/m);
    expect(stderr).toMatch(
      /--vary: point 1 \(stream\.shards=100000\): a run of 24 h .* 86,400,000,000 shard-ticks/,
    );
  });
});
