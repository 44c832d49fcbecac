/**
 * Charts as images for slides and tickets: SVG drawn by vega in Node (no browser), PNG from that
 * SVG through resvg (no native build).
 */
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { ReportChart } from './charts.js';

export interface ChartImage {
  id: string;
  /** `<id>.svg` or `<id>.png`. */
  file: string;
  data: Buffer;
}

/** Width of chart images in pixels (the page's charts follow the window instead). */
export const IMAGE_WIDTH = 900;

/** Renders a Vega-Lite spec to SVG text with vega's headless renderer. */
export async function specToSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Each chart as an SVG or a PNG (twice the pixels, for sharp slides). */
export async function renderChartImages(
  charts: readonly ReportChart[],
  format: 'svg' | 'png',
): Promise<ChartImage[]> {
  const out: ChartImage[] = [];
  for (const chart of charts) {
    // The page's charts follow its width: an image has a fixed one.
    const svg = await specToSvg({ ...chart.spec, width: IMAGE_WIDTH } as TopLevelSpec);
    if (format === 'svg') {
      out.push({ id: chart.id, file: `${chart.id}.svg`, data: Buffer.from(svg, 'utf8') });
      continue;
    }
    const png = new Resvg(svg, { background: 'white', fitTo: { mode: 'zoom', value: 2 } }).render().asPng();
    out.push({ id: chart.id, file: `${chart.id}.png`, data: Buffer.from(png) });
  }
  return out;
}
