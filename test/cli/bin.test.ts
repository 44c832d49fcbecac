/**
 * End-to-end: the published binary, spawned as a user runs it (`node bin/shardcast.js …` from the
 * repository root), built first when dist/ is older than the sources (`buildIfNeeded`).
 */
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildIfNeeded } from '../helpers/build.js';
import { REPO_ROOT } from '../helpers/fake-io.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function shardcast(...args: string[]): Run {
  const result = spawnSync(process.execPath, ['bin/shardcast.js', ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 30_000,
  });
  if (result.error) throw result.error;
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('bin/shardcast.js', () => {
  beforeAll(buildIfNeeded, 120_000);

  it('plans a bundled scenario and exits 0', () => {
    const result = shardcast('plan', 'scenarios/launch-day.yaml');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Plan for launch-day — /);
    expect(result.stdout).toContain('\nMonthly cost (730 h, at the average rate)\n');
  });

  it('prints the whole Plan JSON through a pipe', () => {
    const result = shardcast('plan', 'scenarios/reshard-plan.yaml', '--json');
    expect(result.code).toBe(0);
    const plan = JSON.parse(result.stdout) as { metrics: Record<string, number> };
    expect(plan.metrics['shards.recommended']).toBeGreaterThan(0);
    // The loader's warning goes to stderr, not into the JSON.
    expect(result.stderr).toMatch(
      /^warning: scenarios\/reshard-plan\.yaml:\d+:\d+: events\[2\]\.reshard\.shards: /,
    );
  });

  it('reports every problem of a bad scenario with file:line:column, exits 2, prints nothing on stdout', () => {
    const result = shardcast('validate', 'test/fixtures/mode-typo-and-bad-rate.yaml');
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      [
        'error: 2 problems found',
        '  test/fixtures/mode-typo-and-bad-rate.yaml:5:9: stream.mode: not one of the allowed values (expected one of provisioned, on-demand, found "provisoned")',
        '      hint: did you mean "provisioned"?',
        '  test/fixtures/mode-typo-and-bad-rate.yaml:9:11: producers[0].rate: expected a rate such as 3000/s, 5k/s, 2M/s or 5MiB/s (found "fast")',
        '',
      ].join('\n'),
    );
  });

  it('exits 2 without a stack trace for an unknown command and a missing file', () => {
    const unknown = shardcast('frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error: Unknown argument: frobnicate\nhint: /);
    const missing = shardcast('plan', 'no-such-scenario.yaml');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(
      /^error: cannot read scenario file no-such-scenario\.yaml: no such file\n/,
    );
    for (const run of [unknown, missing]) {
      expect(run.stdout).toBe('');
      expect(run.stderr).not.toContain('    at ');
    }
  });

  it("--out under /proc is an input error at once (node's recursive mkdir never returned there)", () => {
    // /proc exists on every Linux CI runner and refuses new folders; `shardcast` below has a 30 s
    // timeout, and before the fix this command spun for 10+ minutes.
    const started = Date.now();
    const result = shardcast('plan', 'scenarios/launch-day.yaml', '--out', '/proc/nope/deeper');
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'error: --out /proc/nope/deeper: cannot use /proc/nope/deeper as the output directory: cannot create /proc/nope: this filesystem does not allow creating it\n' +
        'hint: --out names a directory the artefacts go into; give a new or existing directory\n',
    );
    expect(result.code).toBe(2);
  });

  it('prints help and exits 0', () => {
    const result = shardcast('--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('shardcast plan <file>');
    expect(result.stderr).toBe('');
  });
});
