/// <reference lib="dom" />
/**
 * The search's report in a real browser (headless Chromium through playwright-core, as
 * browser.test.ts does): a sweep and a find made by the real evaluator, a 10,000-point grid and a
 * hostile one. Every chart must be drawn with marks, the console stay free of errors and warnings,
 * no request leave the file and no script a user wrote run. Screenshots go to
 * test-output/browser-search/. Skipped with a one-line reason without /usr/bin/chromium.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderSearchReport } from '../../src/report/search.js';
import type { SearchTable } from '../../src/search/types.js';
import { REPO_ROOT } from '../helpers/fake-io.js';
import {
  axis,
  cheapestOptionFind,
  gridOf,
  launchDaySweep,
  modeSweep,
  recordsBoundFind,
} from '../helpers/search-tables.js';

const CHROMIUM = process.env.SHARDCAST_CHROMIUM ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const OUT = join(REPO_ROOT, 'test-output', 'browser-search');
const HOSTILE = '</script><img src=x onerror=alert(1)>';

if (!HAVE_CHROMIUM) {
  console.warn(`search report browser tests skipped: no Chromium at ${CHROMIUM} (or set SHARDCAST_CHROMIUM)`);
}

interface Drawn {
  charts: { id: string; rendered: boolean; error: string | null; marks: number }[];
  problems: string[];
  requests: string[];
  dialogs: string[];
  pageWidth: number;
  viewportWidth: number;
}

/** Writes the report, opens it, waits for every chart, screenshots it and says what it saw. */
async function draw(browser: Browser, name: string, table: SearchTable, width = 1200): Promise<Drawn> {
  const file = join(OUT, `${name}.html`);
  writeFileSync(file, renderSearchReport(table));
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const problems: string[] = [];
  const requests: string[] = [];
  const dialogs: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  page.on('request', (r) => requests.push(r.url()));
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const url = pathToFileURL(file).href;
  await page.goto(url);
  await page.waitForFunction(
    () =>
      [...document.querySelectorAll<HTMLElement>('[data-chart]')].every(
        (e) => e.dataset.rendered === 'true' || e.dataset.error !== undefined,
      ),
    null,
    { timeout: 30_000 },
  );
  const seen = await page.evaluate(() => ({
    charts: [...document.querySelectorAll<HTMLElement>('[data-chart]')].map((e) => ({
      id: e.dataset.chart!,
      rendered: e.dataset.rendered === 'true',
      error: e.dataset.error ?? null,
      marks: e.querySelectorAll('svg g.role-mark > *').length,
    })),
    pageWidth: document.documentElement.scrollWidth,
    viewportWidth: document.documentElement.clientWidth,
  }));
  await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });
  await page.close();
  return { ...seen, problems, requests: requests.filter((r) => r !== url), dialogs };
}

function expectDrawn(d: Drawn, atLeast: number): void {
  expect(d.problems).toEqual([]);
  expect(d.requests).toEqual([]);
  expect(d.dialogs).toEqual([]);
  expect(d.charts.length).toBeGreaterThanOrEqual(atLeast);
  for (const c of d.charts) {
    expect({ id: c.id, rendered: c.rendered, error: c.error }).toEqual({
      id: c.id,
      rendered: true,
      error: null,
    });
    expect(c.marks, `marks in ${c.id}`).toBeGreaterThan(0);
  }
}

describe.skipIf(!HAVE_CHROMIUM)('the search report in a real browser (headless Chromium)', () => {
  let browser: Browser;

  beforeAll(async () => {
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('a sweep of launch-day over shards, rate and mode: every chart drawn, the page fits a phone', async () => {
    const sweep = await launchDaySweep({
      shards: ['0', '4', '8', '16'],
      rates: ['2k/s', '6k/s'],
      withMode: true,
    });
    // throttledRatio, putLatency.p99, e2eLatency.p99, cost.monthly.total, the gates'
    // cost.monthly.provisioned and lostRecords, and the cost against throughput.
    expectDrawn(await draw(browser, 'sweep', sweep), 7);
    const phone = await draw(browser, 'sweep-phone', sweep, 390);
    expectDrawn(phone, 7);
    expect(phone.pageWidth).toBeLessThanOrEqual(phone.viewportWidth);
  }, 120_000);

  it('a find of the most load on a records-bound stream: its steps first, every chart drawn', async () => {
    const d = await draw(browser, 'find', await recordsBoundFind());
    expectDrawn(d, 4);
    expect(d.charts[0]!.id).toBe('find-steps');
  }, 120_000);

  it('the cheapest of listed options, and a sweep over words alone (points by category)', async () => {
    const cheapest = await draw(browser, 'find-cheapest', await cheapestOptionFind());
    expectDrawn(cheapest, 4);
    expect(cheapest.charts[0]!.id).toBe('find-steps');
    // stream.mode alone: throttledRatio, putLatency.p99, cost.monthly.configured by mode, and the cost chart.
    expectDrawn(await draw(browser, 'sweep-mode', await modeSweep()), 4);
  }, 120_000);

  it('a 10,000-point grid and hostile strings: drawn, sampled, nothing a user wrote runs', async () => {
    const shards = Array.from({ length: 100 }, (_, i) => String(i + 1));
    const rates = Array.from({ length: 99 }, (_, i) => `${(i + 1) * 1000}/s`);
    const axes = [axis('stream.shards', shards), axis('producers[0].rate', [...rates, HOSTILE])];
    const points = gridOf(axes).map((p) => {
      const n = Number(p.at['stream.shards']);
      const rate = Number(p.at['producers[0].rate']!.replace('/s', '')) || 1000;
      // throttledRatio = max(0, 1 − n × 1000 ÷ rate): the shards' 1,000 records/s each.
      const throttledRatio = Math.max(0, 1 - (n * 1000) / rate);
      const gate = {
        gate: `throttledRatio <= 0.001 ${HOSTILE}`,
        metric: 'throttledRatio',
        passed: throttledRatio <= 0.001,
        measured: throttledRatio,
        allowed: 0.001,
        margin: (0.001 - throttledRatio) / 0.001,
      };
      const metrics = {
        throttledRatio,
        'putLatency.p99': 0.05 + throttledRatio,
        'cost.monthly.configured': 15 * n,
        'traffic.peakRecordsPerSecond': rate,
      };
      return {
        point: p,
        runs: [{ seed: 1, passed: gate.passed, gates: [gate], metrics, wallSeconds: 0.1 }],
        passed: gate.passed,
        passShare: gate.passed ? 1 : 0,
        metrics,
        binding: gate.gate,
      };
    });
    const table: SearchTable = {
      kind: 'sweep',
      scenario: { name: HOSTILE, file: 'hostile.yaml' },
      axes,
      gates: [`throttledRatio <= 0.001 ${HOSTILE}`],
      rule: { seeds: 3, share: 1 },
      points,
      header: {
        shardcastVersion: 'test',
        startedAt: '2026-12-06T15:00:00Z',
        wallSeconds: 9,
        parallel: 2,
        durationSeconds: 600,
      },
    };
    const d = await draw(browser, 'grid-10000', table);
    expectDrawn(d, 3);
  }, 120_000);
});
