/**
 * Findings: one wording per code, from figures, with AWS limits from the facts module; and every
 * finding the bundled scenarios produce has all the figures its wording needs.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KINESIS } from '../../src/aws/facts.js';
import { loadScenarioFile } from '../../src/load.js';
import { type Finding, findingText } from '../../src/planner/findings.js';
import { planScenario } from '../../src/planner/index.js';
import { formatBytesPerSecond, formatNumber } from '../../src/scenario/units.js';
import { REPO_ROOT } from '../helpers/fake-io.js';

const finding = (
  code: Finding['code'],
  figures: Finding['figures'],
  subject: Finding['subject'] = {},
): Finding => ({
  code,
  severity: 'error',
  subject,
  figures,
});

describe('findingText', () => {
  it('words a short stream with its arithmetic, in the singular for one', () => {
    // 2 recommended − 1 configured = short by 1; one call (1 → 2 is within 2×).
    expect(
      findingText(
        finding('shards-short', {
          configured: 1,
          atPeak: 1,
          recommended: 2,
          headroomFactor: 1.2,
          calls: 1,
          durationSeconds: 30,
        }),
      ),
    ).toBe(
      '1 configured shard is short by 1: peak × 1.2 needs 2. UpdateShardCount 1 → 2 takes 1 call and ~30 s.',
    );
    // 31 − 8 = 23, two calls (8 → 16 → 31).
    expect(
      findingText(
        finding('shards-short', {
          configured: 8,
          atPeak: 8,
          recommended: 31,
          headroomFactor: 1.2,
          calls: 2,
          durationSeconds: 1590,
        }),
      ),
    ).toBe(
      '8 configured shards are short by 23: peak × 1.2 needs 31. UpdateShardCount 8 → 31 takes 2 calls and ~26.5 min.',
    );
  });

  it("says when the scenario's reshards, not the configured count, carry the peak", () => {
    // 64 configured, resharded to 256 by the peak: 223 needed, 256 ≥ 223.
    expect(
      findingText({
        ...finding('shards-short', {
          configured: 64,
          recommended: 223,
          atPeak: 256,
          headroomFactor: 1.2,
          calls: 2,
          durationSeconds: 12_384,
        }),
        severity: 'info',
      }),
    ).toBe(
      "64 configured shards are short of the 223 peak × 1.2 needs until the scenario's reshards, which reach 256 shards by the peak.",
    );
    // 8 configured, resharded to 16 by the peak: 31 − 16 = 15 short.
    expect(
      findingText(
        finding('shards-short', {
          configured: 8,
          recommended: 31,
          atPeak: 16,
          headroomFactor: 1.2,
          calls: 2,
          durationSeconds: 1590,
        }),
      ),
    ).toBe(
      "16 shards at the peak (8 configured, after the scenario's reshards) are short by 15: peak × 1.2 needs 31. UpdateShardCount 8 → 31 takes 2 calls and ~26.5 min.",
    );
  });

  it("reads a shard's write limits from the facts, not from typed prose", () => {
    // 1,500 records/s of 300 B: 1,500 ÷ 1,000 = 150% of the records limit (the bytes, 450,000 ÷
    // 1,048,576 = 43%, are under theirs); salted × ceil(1.5 × 1.2) = 2. The limits in the text are
    // KINESIS's, formatted: 1,000 records/s → "1,000 records/s", 1,048,576 B/s → "1 MiB/s".
    const text = findingText(
      finding(
        'key-over-shard',
        {
          recordsPerSecond: 1500,
          bytesPerSecond: 450_000,
          shardUtilization: 1.5,
          headroom: 0.2,
          saltingFactor: 2,
        },
        { producer: 'devices', key: 'd-0' },
      ),
    );
    const limits = `${formatNumber(KINESIS.shardWriteRecordsPerSecond.value)} records/s or ${formatBytesPerSecond(KINESIS.shardWriteBytesPerSecond.value)}`;
    expect(text).toBe(
      `key "d-0" of devices carries 1,500 records/s and 439 KiB/s, 150% of one shard's ${limits} by itself: more shards cannot fix it. Salt it over 2 keys (e.g. "d-0#0" … "d-0#1") and merge per key downstream.`,
    );
  });

  it('names the readers a GetRecords limit delays, and only those', () => {
    // As the planner gives them: fast asks for a call every 250 ms and gets one every 333 ms.
    const text = findingText({
      ...finding('get-records-over-limit', { callsPerShardPerSecond: 6 }),
      items: [{ name: 'fast', figures: { pollIntervalSeconds: 0.25, effectivePollIntervalSeconds: 1 / 3 } }],
    });
    expect(text).toBe(
      'Polling readers make 6 GetRecords calls/s per shard, above the 5/s limit: more shards cannot fix this. fast polls every 333 ms instead of 250 ms; the others get the calls they ask for. Lengthen poll intervals or move applications to enhanced fan-out.',
    );
  });
});

describe('the findings of the bundled scenarios', () => {
  const files = readdirSync(join(REPO_ROOT, 'scenarios')).filter((f) => f.endsWith('.yaml'));

  it.each(files)('%s: every finding has the figures its wording needs', (file) => {
    const { scenario } = loadScenarioFile(join(REPO_ROOT, 'scenarios', file));
    const plan = planScenario(scenario);
    for (const f of plan.findings) {
      const text = findingText(f);
      expect(text).not.toMatch(/NaN|undefined|\(s\)/);
      for (const value of Object.values(f.figures)) expect(Number.isFinite(value)).toBe(true);
    }
    // Errors first is the view's order; the plan keeps the order it found them in, and the
    // severities are the three known ones.
    expect(plan.findings.every((f) => ['error', 'warning', 'info'].includes(f.severity))).toBe(true);
  });
});
