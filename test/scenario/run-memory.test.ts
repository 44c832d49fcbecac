/**
 * A model run's memory is estimated before it starts and refused above what the machine allows
 * (issue 15, point 4: "a run that would need more memory than the machine has says so before it
 * allocates"). The estimate's arithmetic is worked out by hand below; the limit is injected.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SHARD_ROW_BUDGET } from '../../src/result/shard-rows.js';
import { estimateRunMemoryBytes, RUN_MEMORY, runMemoryProblem } from '../../src/scenario/bounds.js';
import { parseScenario } from '../../src/scenario/load.js';
import { setAvailableMemoryBytes } from '../../src/targets/memory.js';
import { run } from '../helpers/fake-io.js';

const TEXT = [
  'name: m',
  'duration: 60s',
  'stream: { shards: 1000 }',
  'producers:',
  '  - { name: p, rate: 1k/s }',
  'consumers:',
  '  - { name: c, type: polling }',
].join('\n');
const scenario = parseScenario(TEXT, 'm.yaml').scenario;

// 1,000 shards for 600 s, one consumer, no Firehose:
//   process                         130,000,000
//   series: (12 + 2) × 600 × 96 =       806,400
//   shard-seconds: 600,000 × (14 + 26) = 24,000,000
//   points: 1,000 × 360 × 22 =        7,920,000
//   shards × readers: 1,000 × 2 × 1,000 = 2,000,000
//   total                           164,726,400 (measured: 168 MB peak RSS)
const ESTIMATE_600S = 164_726_400;

describe('estimateRunMemoryBytes', () => {
  it('adds the process, the series, the shard rows and points, and per-shard state', () => {
    expect(estimateRunMemoryBytes(scenario, 600)).toBe(ESTIMATE_600S);
  });

  it('stops growing the shard rows at their budget (2^25 values), as the recorder does', () => {
    expect(SHARD_ROW_BUDGET).toBe(2 ** 25);
    // 1,000 shards × 100,000 s = 10^8 shard-seconds, kept up to 33,554,432, garbage up to 6,000,000:
    //   130,000,000 + 14 × 100,000 × 96 (134,400,000) + 33,554,432 × 14 (469,762,048)
    //   + 6,000,000 × 26 (156,000,000) + 1,000 × 360 × 22 (7,920,000) + 2,000,000 = 900,082,048
    expect(estimateRunMemoryBytes(scenario, 100_000)).toBe(900_082_048);
    expect(RUN_MEMORY.bytesPerShardSecond + RUN_MEMORY.garbageBytesPerShardSecond).toBe(40);
  });

  it('is refused just above the limit, not at it', () => {
    expect(runMemoryProblem(scenario, 600, ESTIMATE_600S)).toBeUndefined();
    expect(runMemoryProblem(scenario, 600, ESTIMATE_600S - 1)).toBe(
      "a run of 10 min with up to 1,000 shards needs about 157 MiB of memory, above the 157 MiB this machine allows (the smaller of its memory and V8's heap limit, less a quarter for the rest)",
    );
  });
});

describe('run refuses a run above the memory it may use', () => {
  afterEach(() => setAvailableMemoryBytes(undefined));

  it('exits 2 before the engine starts, with the estimate, the limit and what to change', async () => {
    // 157 MiB ≈ the estimate less 1 byte: refused; at the estimate, the run goes on.
    setAvailableMemoryBytes(ESTIMATE_600S - 1);
    const refused = await run(['run', 'scenarios/m.yaml', '--duration', '600s', '--quiet', '--no-html'], {
      'scenarios/m.yaml': TEXT,
    });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      'error: a run of 10 min with up to 1,000 shards needs about 157 MiB of memory',
    );
    expect(refused.stderr).toContain('hint: run a shorter --duration');
    expect(refused.io.written.size).toBe(0);

    setAvailableMemoryBytes(estimateRunMemoryBytes(scenario, 10));
    const ran = await run(['run', 'scenarios/m.yaml', '--duration', '10s', '--quiet', '--no-html'], {
      'scenarios/m.yaml': TEXT,
    });
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
  });
});
