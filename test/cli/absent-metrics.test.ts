/**
 * A gate on a metric the scenario cannot measure is an input error, never a silent pass on a 0:
 * without consumers nothing is read, so end-to-end latency and consumer lag do not exist.
 */
import { describe, expect, it } from 'vitest';
import { run } from '../helpers/fake-io.js';

const OUT = '/tmp/shardcast-absent-metrics-test';

const NO_CONSUMERS = `name: writer-only
duration: 1m
stream: { shards: 2 }
producers:
  - name: app
    rate: 500/s
    recordSize: 1KiB
    keys: { dist: uniform, count: 1000 }
`;

describe('gates on what a scenario cannot measure', () => {
  it('refuses e2eLatency and consumerLag gates without consumers, on run and plan, with why', async () => {
    for (const command of ['run', 'plan']) {
      const r = await run(
        [command, 'w.yaml', '--out', OUT, '--gate', 'e2eLatency.p99 < 1s', '--gate', 'consumerLag.max < 1s'],
        { 'w.yaml': NO_CONSUMERS },
      );
      // Before: exit 0 with "✓ e2eLatency.p99 = 0 s" and "✓ consumerLag.max = 0 s".
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('--gate[0]: e2eLatency.p99 needs a consumer, and the scenario has none');
      expect(r.stderr).toContain('--gate[1]: consumerLag.max needs a consumer');
      expect(r.stdout).not.toContain('✓');
    }
  });

  it('refuses them in the scenario gates too, located at the gate', async () => {
    const r = await run(['validate', 'w.yaml'], {
      'w.yaml': `${NO_CONSUMERS}gates:\n  - putLatency.p99 < 250ms\n  - e2eLatency.p95 < 2s\n`,
    });
    expect(r.code).toBe(2);
    // Line 11: the second gate, after the eight lines of the scenario and "gates:" and the first.
    expect(r.stderr).toContain('w.yaml:11:5: gates[1]: e2eLatency.p95 needs a consumer');
    expect(r.stderr).toContain('hint: add a consumers: entry');
  });

  it('takes the same gates once the scenario has a consumer', async () => {
    const r = await run(
      ['run', 'w.yaml', '--out', OUT, '--duration', '10s', '--gate', 'e2eLatency.p99 < 1m'],
      {
        'w.yaml': `${NO_CONSUMERS}consumers:\n  - { name: reader, type: polling }\n`,
      },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('✓ e2eLatency.p99');
  });
});
