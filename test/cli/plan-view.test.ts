/**
 * The plan as a user sees it twice — `shardcast plan` in the terminal and the `index.html` that
 * `plan --out` writes — says the same thing: every title, row, figure, note and finding of the one
 * plan view appears in both, for every bundled scenario. And the report's banner is not green
 * while the plan finds the stream short, a key over a shard or a consumer behind.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateGates } from '../../src/gates/evaluate.js';
import { parseCliGates } from '../../src/gates/validate.js';
import { findingText } from '../../src/planner/findings.js';
import type { Plan } from '../../src/planner/types.js';
import { html } from '../../src/report/escape.js';
import { renderReport } from '../../src/report/html.js';
import { planView, viewTexts } from '../../src/report/plan-view.js';
import { inlineHtml } from '../../src/report/plan-view-html.js';
import { REPO_ROOT, run } from '../helpers/fake-io.js';
import { syntheticResult } from '../result/synthetic-result.js';

const BUNDLED = readdirSync(join(REPO_ROOT, 'scenarios'))
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => `scenarios/${f}`);

/** The terminal summary, the Plan and the plan-only HTML report of a scenario, as the CLI writes them. */
async function both(file: string, files: Record<string, string> = {}) {
  const text = await run(['plan', file], files);
  const json = await run(['plan', file, '--json'], files);
  const written = await run(['plan', file, '--out', 'out'], files);
  const page = written.io.writtenFile('out/index.html');
  expect(page).toBeDefined();
  return { terminal: text.stdout, plan: JSON.parse(json.stdout) as Plan, page: page! };
}

describe('one plan view, two renderings', () => {
  it.each(BUNDLED)('%s: every text of the plan view is in the terminal and in the HTML', async (file) => {
    const { terminal, plan, page } = await both(file);
    const view = planView(plan);
    // The title is the terminal's first line; the page names the scenario in its own heading.
    expect(terminal.split('\n')[0]).toBe(view.title);
    const texts = viewTexts(view).filter((t) => t !== view.title);
    expect(texts.length).toBeGreaterThan(50);
    const missingInTerminal = texts.filter((t) => !terminal.includes(t));
    // The page writes the notes' code spans (`plan --json`) as <code>.
    const missingInPage = texts.filter((t) => !page.includes(inlineHtml(t)));
    expect(missingInTerminal).toEqual([]);
    expect(missingInPage).toEqual([]);
    // Counted words agree with their numbers ("1 shard", "2 calls"), never "1 shards" or "call(s)".
    // (The page up to its scripts: the inlined chart libraries are not shardcast's words.)
    const miscounted = /\b1 (shards|calls|readers|polling readers|keys)\b|\w\(s\)/g;
    for (const out of [terminal, page.slice(0, page.indexOf('<script'))])
      expect(out.match(miscounted) ?? []).toEqual([]);
    // Every section, by its id, in the page.
    for (const s of view.sections) expect(page).toContain(`<section id="${s.id}"><h2>${html(s.title)}</h2>`);
  });

  it('launch-day: the same ten hot keys in both, the salted figure and the rest counted', async () => {
    const { terminal, page } = await both('scenarios/launch-day.yaml');
    // 20 keys are at ≥ 1% of a shard (zipf over many keys); both show the heaviest 10.
    for (let i = 0; i < 10; i++) {
      expect(terminal).toMatch(new RegExp(`\\n  key-${i} +web `));
      expect(page).toContain(`<code>key-${i}</code>`);
    }
    expect(terminal).not.toMatch(/\n {2}key-10 /);
    expect(page).not.toContain('<code>key-10</code>');
    expect(terminal).toContain('10 more keys at 1% of a shard or more');
    expect(page).toContain('10 more keys at 1% of a shard or more');
    // The hottest shard with the oversized key salted: a column of both.
    expect(terminal).toContain('oversized keys salted');
    expect(page).toContain('<th scope="col">oversized keys salted</th>');
  });

  it('on-demand-vs-provisioned: the on-demand section is in the HTML too', async () => {
    const { terminal, page } = await both('scenarios/on-demand-vs-provisioned.yaml');
    expect(terminal).toContain('\nOn-demand\n  Capacity without scaling: ');
    expect(page).toContain('<section id="plan-on-demand"><h2>On-demand</h2>');
    expect(page).toMatch(/<p>Capacity without scaling: [^<]+records\/s\.<\/p>/);
  });
});

describe('findings in the terminal and the banner', () => {
  it('launch-day: 8 shards, 23 short, a key over a shard — findings printed, the banner not green', async () => {
    const { terminal, plan, page } = await both('scenarios/launch-day.yaml');
    const errors = plan.findings.filter((f) => f.severity === 'error');
    expect(errors.map((f) => f.code)).toEqual(['shards-short', 'key-over-shard', 'reshard-late']);
    // 31 recommended − 8 configured = 23 short.
    expect(errors[0]!.figures).toMatchObject({ configured: 8, recommended: 31 });
    expect(terminal).toContain('\nFindings\n  ✗ 8 configured shards are short by 23: peak × 1.2 needs 31.');
    expect(terminal).toContain('  ✗ key "key-0" of web carries 808 records/s');
    // Its one plan gate passes, but the verdict is amber with the problems listed, not green.
    expect(page).toContain('data-verdict="warn"');
    expect(page).not.toContain('data-verdict="pass"');
    expect(page).toContain('<h1>The 1 gate passed, but the plan finds 3 problems</h1>');
    for (const f of errors) expect(page).toContain(`<li data-code="${f.code}">${html(findingText(f))}</li>`);
  });

  it('a run whose gates pass is not green either while its plan finds the stream short', async () => {
    const plan = JSON.parse((await run(['plan', 'scenarios/launch-day.yaml', '--json'])).stdout) as Plan;
    const result = syntheticResult();
    const verdicts = evaluateGates(parseCliGates(['records.produced >= 0']), result.metrics);
    expect(verdicts.every((v) => v.passed)).toBe(true);
    const page = renderReport({ plan, result, verdicts, generatedAt: 'now', shardcastVersion: 'test' }, []);
    expect(page).toContain('data-verdict="warn"');
    expect(page).toContain('<h1>The 1 gate passed, but the plan finds 3 problems</h1>');
  });

  it('a plan with nothing wrong keeps its green banner', async () => {
    // log-shipping-firehose: its configured shards carry it, its readers keep up, its plan gates hold.
    const { plan, page } = await both('scenarios/log-shipping-firehose.yaml');
    expect(plan.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(page).toContain('data-verdict="pass"');
  });

  it("reshard-plan: 64 configured are short only until the scenario's own reshards reach 256 by the peak", async () => {
    const { terminal, plan, page } = await both('scenarios/reshard-plan.yaml');
    const short = plan.findings.find((f) => f.code === 'shards-short')!;
    // 64 → 128 → 256 before the peak; 223 recommended ≤ 256, so not a problem at the peak.
    expect(short).toMatchObject({
      severity: 'info',
      figures: { configured: 64, recommended: 223, atPeak: 256 },
    });
    expect(terminal).toMatch(/\n {2}configured +64 {2}short by 159 until the scenario's reshards\n/);
    expect(terminal).toContain(
      "  → 64 configured shards are short of the 223 peak × 1.2 needs until the scenario's reshards, which reach 256 shards by the peak.",
    );
    expect(plan.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(page).toContain('data-verdict="pass"');
  });

  it("the plan-only report's footer cites no result.json (there is none)", async () => {
    const { page } = await both('scenarios/launch-day.yaml');
    const footer = page.slice(page.indexOf('<footer>'), page.indexOf('</footer>'));
    expect(footer).toContain('Written by shardcast');
    expect(footer).not.toContain('result.json');
  });
});

describe('wording', () => {
  const ONE_SHARD = `
name: one
stream: { shards: 1 }
producers:
  - name: p
    rate: 1500/s
    recordSize: 100B
    keys: { dist: uniform, count: 1000 }
consumers:
  - { name: c, type: polling }
`;

  it('counts in the singular when there is one: "1 configured shard is short", "1 call"', async () => {
    const { terminal } = await both('one.yaml', { 'one.yaml': ONE_SHARD });
    // 1,500 records/s × 1.2 ÷ 1,000 a shard = 1.8 → 2 shards; from 1 that is one UpdateShardCount call.
    expect(terminal).toContain(
      '✗ 1 configured shard is short by 1: peak × 1.2 needs 2. UpdateShardCount 1 → 2 takes 1 call and',
    );
    expect(terminal).toContain('· 1 shard configured ·');
    expect(terminal).toContain('by polling reads (2 MiB/s shared by 1 reader)');
    expect(terminal).not.toMatch(/\b1 shards\b|\(s\)/);
  });

  it('names the keys to salt instead of pointing at a table below', async () => {
    const { terminal, page } = await both('scenarios/launch-day.yaml');
    const line =
      'The hottest shard sets the count: 12 shards carry the average load, but shard 8 would run at 212% of its limit; 31 shards keep every shard under it once key "key-0" is salted.';
    expect(terminal).toContain(`  → ${line}`);
    expect(page).toContain(html(line));
    expect(terminal).not.toContain('named below');
    expect(page).not.toContain('named below');
  });
});
