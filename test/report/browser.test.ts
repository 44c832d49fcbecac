/// <reference lib="dom" />
/**
 * End to end in a real browser: each bundled scenario is run with the CLI as a user would, and its
 * index.html opened in headless Chromium (Debian's `chromium`, driven by playwright-core). Every
 * chart container must hold rendered marks, the console must stay free of errors and warnings, no request may
 * leave the file, and a hostile scenario must render as text. Screenshots go to
 * test-output/browser/. Without /usr/bin/chromium (or SHARDCAST_CHROMIUM) the tests are skipped
 * with a one-line reason; `.ci/run` installs it so CI always runs them.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, run } from '../helpers/fake-io.js';

const CHROMIUM = process.env.SHARDCAST_CHROMIUM ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const OUT = join(REPO_ROOT, 'test-output', 'browser');
const SCENARIOS = readdirSync(join(REPO_ROOT, 'scenarios'))
  .filter((f) => f.endsWith('.yaml'))
  .sort();
const HOSTILE = '</script><script>alert(1)</script>';

if (!HAVE_CHROMIUM) {
  console.warn(
    `browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set SHARDCAST_CHROMIUM)`,
  );
}

interface PageCheck {
  charts: { id: string; rendered: boolean; error: string | null; marks: number }[];
  consoleErrors: string[];
  requests: string[];
  dialogs: string[];
}

/**
 * Opens a report, waits for every chart to be drawn (or to fail), and saves a screenshot when
 * given a path. The console, request and dialog lists keep filling while the page stays open.
 */
async function openReport(
  browser: Browser,
  file: string,
  options: { screenshot?: string; viewport?: { width: number; height: number } } = {},
): Promise<{ page: Page; check: PageCheck }> {
  const page = await browser.newPage({ viewport: options.viewport ?? { width: 1200, height: 900 } });
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  const dialogs: string[] = [];
  page.on('console', (m) => {
    // vega's warnings (an empty scale, a bad encoding) count too: the page must be clean.
    if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`uncaught: ${e.message}`));
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
    { timeout: 20_000 },
  );
  const charts = await page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('[data-chart]')].map((e) => ({
      id: e.dataset.chart!,
      rendered: e.dataset.rendered === 'true',
      error: e.dataset.error ?? null,
      // Drawn marks: the items inside vega's mark groups (paths, lines, rects as paths).
      marks: e.querySelectorAll('svg g.role-mark > *').length,
    })),
  );
  if (options.screenshot) await page.screenshot({ path: options.screenshot, fullPage: true });
  const others = requests.filter((r) => r !== url);
  return { page, check: { charts, consoleErrors, requests: others, dialogs } };
}

describe.skipIf(!HAVE_CHROMIUM)('the report in a real browser (headless Chromium)', () => {
  let browser: Browser;

  beforeAll(async () => {
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  for (const file of SCENARIOS) {
    const name = file.replace(/\.yaml$/, '');
    it(`${file}: every chart drawn, no console error, no request`, async () => {
      const dir = join(OUT, name);
      const r = await run(
        ['run', join('scenarios', file), '--out', dir, '--quiet'],
        {},
        { writeToDisk: true },
      );
      expect([0, 1]).toContain(r.code);
      const { page, check } = await openReport(browser, join(dir, 'index.html'), {
        screenshot: join(OUT, `${name}.png`),
      });
      // On a desktop screen every table fits its section (a long cell that cannot wrap pushed the
      // fan-out table past the page and squeezed its advice into a column a word wide).
      const wideTables = await page.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>('.table-wrap')]
          .filter((wrap) => wrap.scrollWidth > wrap.clientWidth + 1)
          .map((wrap) => wrap.querySelector('caption')?.textContent ?? wrap.closest('section')?.id ?? '?'),
      );
      await page.close();
      expect(wideTables).toEqual([]);
      expect(check.consoleErrors).toEqual([]);
      expect(check.requests).toEqual([]);
      expect(check.charts.length).toBeGreaterThanOrEqual(5);
      for (const chart of check.charts) {
        expect({ id: chart.id, error: chart.error, rendered: chart.rendered }).toEqual({
          id: chart.id,
          error: null,
          rendered: true,
        });
        expect(chart.marks, `marks in ${chart.id}`).toBeGreaterThan(0);
      }
    }, 60_000);
  }

  /** The launch-day report, written by its test above (or now, when run alone). */
  async function launchDayReport(): Promise<string> {
    const dir = join(OUT, 'launch-day');
    if (!existsSync(join(dir, 'index.html'))) {
      await run(['run', 'scenarios/launch-day.yaml', '--out', dir, '--quiet'], {}, { writeToDisk: true });
    }
    return join(dir, 'index.html');
  }

  it('fits a phone’s screen: nothing wider than the page but the tables, which scroll', async () => {
    const file = await launchDayReport();
    const { page, check } = await openReport(browser, file, { viewport: { width: 390, height: 844 } });
    expect(check.charts.every((c) => c.rendered)).toBe(true);
    const widths = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      viewport: document.documentElement.clientWidth,
      charts: [...document.querySelectorAll('.chart-body svg')].map(
        (svg) => svg.getBoundingClientRect().width,
      ),
    }));
    await page.screenshot({ path: join(OUT, 'launch-day-phone.png') });
    await page.close();
    expect(widths.page).toBeLessThanOrEqual(widths.viewport);
    for (const width of widths.charts) expect(width).toBeLessThanOrEqual(widths.viewport);
  }, 60_000);

  it('reads on a phone: no table row wraps a word a line, no name breaks at its hyphen, no label overlaps or is cut', async () => {
    const file = await launchDayReport();
    const { page, check } = await openReport(browser, file, { viewport: { width: 390, height: 844 } });
    expect(check.charts.every((c) => c.rendered)).toBe(true);
    const seen = await page.evaluate(() => {
      const rowOf = (section: string, first: string) =>
        [...document.querySelectorAll<HTMLTableRowElement>(`#${section} tr`)].find(
          (r) => r.cells[0]?.textContent === first,
        )!;
      const height = (e: Element) => e.getBoundingClientRect().height;
      // A cell's text on one line: its height is one line's (the row's line height).
      const lines = (td: Element) =>
        Math.round(height(td) / Number.parseFloat(getComputedStyle(td).lineHeight));
      const cellWith = (text: string) =>
        [...document.querySelectorAll('td')].find((td) => td.textContent === text)!;
      const bounds = (e: Element) => e.getBoundingClientRect();
      // The latency distribution's axis labels, left to right: none may overlap the next. Each is
      // drawn at translate(x, y) rotate(θ): side by side (θ = 0) two labels overlap when their
      // anchors are closer than half their widths added; turned by θ, when the distance between
      // their parallel baselines, Δx · |sin θ|, is less than a label's height.
      const labels = [
        ...document.querySelectorAll<SVGTextElement>(
          '[data-chart="latency-distribution"] svg .role-axis-label text',
        ),
      ]
        .filter((t) => /^p[\d.]+$/.test(t.textContent ?? ''))
        .map((t) => {
          const transform = t.getAttribute('transform') ?? '';
          const x = Number(/translate\(([-\d.]+)/.exec(transform)?.[1] ?? 0);
          const angle = Number(/rotate\(([-\d.]+)/.exec(transform)?.[1] ?? 0);
          const box = t.getBBox();
          return { x, angle, width: box.width, height: box.height };
        })
        .sort((a, b) => a.x - b.x);
      const overlaps = labels.filter((b, i) => {
        const next = labels[i + 1];
        if (next === undefined) return false;
        const dx = next.x - b.x;
        return b.angle === 0
          ? dx < (b.width + next.width) / 2
          : dx * Math.abs(Math.sin((b.angle * Math.PI) / 180)) < b.height;
      }).length;
      // The cost chart: every legend label inside the chart's drawing.
      const cost = document.querySelector('[data-chart="cost"] svg')!;
      const legend = [...cost.querySelectorAll('.role-legend-label text')].map(bounds);
      const box = bounds(cost);
      return {
        keyRow: height(rowOf('plan-hot-keys', 'key-0')),
        reshardRow: height(rowOf('plan-reshard', 'at 15 min')),
        lineHeight: Number.parseFloat(getComputedStyle(document.querySelector('td')!).lineHeight),
        names: ['firehose:to-s3', 'enhanced-fan-out', 'to recommended'].map((t) => [t, lines(cellWith(t))]),
        labels: labels.length,
        overlaps,
        legendOutside: legend.filter((b) => b.right > box.right + 0.5 || b.bottom > box.bottom + 0.5).length,
        legendLabels: legend.length,
      };
    });
    await page.close();
    // Before: 102 px each (the note cell one word a line); now at most two lines and the padding.
    expect(seen.keyRow).toBeLessThanOrEqual(2 * seen.lineHeight + 10);
    expect(seen.reshardRow).toBeLessThanOrEqual(2 * seen.lineHeight + 10);
    expect(seen.names).toEqual([
      ['firehose:to-s3', 1],
      ['enhanced-fan-out', 1],
      ['to recommended', 1],
    ]);
    // p0 … p100: eleven labels, angled on a phone, none over its neighbour.
    expect(seen.labels).toBe(11);
    expect(seen.overlaps).toBe(0);
    expect(seen.legendLabels).toBeGreaterThan(0);
    expect(seen.legendOutside).toBe(0);
  }, 60_000);

  it('enforces its own policy: an injected script does not run, a request does not leave', async () => {
    const file = await launchDayReport();
    const { page, check } = await openReport(browser, file);
    // The charts were drawn without eval: the policy has no 'unsafe-eval', so a page script calling
    // the Function constructor would have logged a violation.
    expect(check.charts.every((c) => c.rendered)).toBe(true);
    expect(check.consoleErrors).toEqual([]);
    // A request the browser would otherwise answer (the test serves it): only the page's
    // connect-src 'none' can stop it.
    await page.route('http://shardcast.test/**', (route) => route.fulfill({ body: 'ok' }));
    const fetched = await page.evaluate(() =>
      fetch('http://shardcast.test/ping').then(
        () => 'fetched',
        () => 'blocked',
      ),
    );
    const injected = await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.__injected = true';
      document.body.appendChild(script);
      return (window as unknown as { __injected?: boolean }).__injected === true;
    });
    await page.close();
    expect(fetched).toBe('blocked');
    expect(injected).toBe(false);
    expect(check.consoleErrors.some((e) => e.includes('connect-src'))).toBe(true);
    expect(check.consoleErrors.some((e) => e.includes('script-src'))).toBe(true);
  }, 60_000);

  it('prints to PDF with every chart inside the page', async () => {
    const file = await launchDayReport();
    const { page, check } = await openReport(browser, file);
    expect(check.charts.every((c) => c.rendered)).toBe(true);
    // A4 at 96 dpi is 794 px wide; with the printer's margins about 700 px are left for content.
    await page.emulateMedia({ media: 'print' });
    // Printing does not resize the charts (drawn at the screen's width): the print style scales them.
    const printStyle = await page.evaluate(() =>
      [...document.querySelectorAll('.chart-body svg')].map((svg) => getComputedStyle(svg).maxWidth),
    );
    expect(new Set(printStyle)).toEqual(new Set(['100%']));
    await page.setViewportSize({ width: 700, height: 900 });
    const overflow = await page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      return [...document.querySelectorAll('.chart-body svg')]
        .map((svg) => svg.getBoundingClientRect().right)
        .filter((right) => right > width + 1);
    });
    expect(overflow).toEqual([]);
    const pdf = await page.pdf({ path: join(OUT, 'launch-day.pdf'), format: 'A4', printBackground: true });
    await page.close();
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(50_000);
  }, 60_000);

  it('a plan-only report draws traffic against capacity, per-shard load and cost', async () => {
    const dir = join(OUT, 'plan-only');
    const r = await run(['plan', 'scenarios/launch-day.yaml', '--out', dir], {}, { writeToDisk: true });
    expect(r.code).toBe(0);
    const { page, check } = await openReport(browser, join(dir, 'index.html'), {
      screenshot: join(OUT, 'plan-only.png'),
    });
    expect(await page.textContent('#verdict')).toContain('Plan only: no run');
    await page.close();
    expect(check.consoleErrors).toEqual([]);
    expect(check.requests).toEqual([]);
    expect(check.charts.map((c) => [c.id, c.rendered, c.marks > 0])).toEqual([
      ['traffic-capacity', true, true],
      ['shard-load', true, true],
      ['cost', true, true],
    ]);
  }, 60_000);

  it(`a scenario and result carrying ${HOSTILE} render it as text and run no script`, async () => {
    const dir = join(OUT, 'hostile');
    const scenario = `name: hostile
description: "${HOSTILE}"
duration: 1m
stream: { shards: 1 }
producers:
  - name: p
    rate: 800/s
    recordSize: 1KiB
    keys:
      dist: weighted
      keys:
        - { key: "${HOSTILE}", weight: 0.9 }
        - { key: "<img src=x onerror=alert(2)>", weight: 0.1 }
`;
    const first = await run(
      ['run', 'hostile.yaml', '--out', dir, '--no-html'],
      { 'hostile.yaml': scenario },
      { writeToDisk: true },
    );
    expect([0, 1]).toContain(first.code);
    // Names are restricted in scenarios, not in a result file: give the run a hostile id too (the
    // banner and the scenario section show it; the page is named from the plan beside it).
    const resultFile = join(dir, 'result.json');
    const result = JSON.parse(readFileSync(resultFile, 'utf8')) as { header: { runId: string } };
    result.header.runId = HOSTILE;
    const edited = await run(
      ['report', resultFile],
      { [resultFile]: JSON.stringify(result) },
      { writeToDisk: true },
    );
    expect(edited.code).toBe(0);
    const { page, check } = await openReport(browser, join(dir, 'index.html'), {
      screenshot: join(OUT, 'hostile.png'),
    });
    const text = await page.textContent('body');
    const title = await page.title();
    await page.close();
    expect(check.dialogs).toEqual([]);
    expect(check.consoleErrors).toEqual([]);
    expect(check.requests).toEqual([]);
    expect(text).toContain(HOSTILE);
    expect(text).toContain(`Run ${HOSTILE} on model`);
    expect(text).toContain('<img src=x onerror=alert(2)>');
    expect(title).toBe('shardcast — hostile');
    for (const chart of check.charts) expect(chart.rendered).toBe(true);
  }, 60_000);
});
