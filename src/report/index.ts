/**
 * The report module: chart specs as data, the self-contained HTML report, chart images, and the CI
 * outputs of a run's gates (JUnit XML, the Markdown summary).
 */
export { chartLibraries, type InlineScript } from './assets.js';
export { displayStep } from './charts/base.js';
export { costChart } from './charts/cost.js';
export { firehoseChart } from './charts/firehose.js';
export { heatmapRows, shardHeatmap } from './charts/heatmap.js';
export { consumerLagChart, latencyDistributionChart, latencyOverTimeChart } from './charts/latency.js';
export { throughputChart } from './charts/throughput.js';
export { type ReportChart, reportCharts } from './charts.js';
export {
  escapeAttribute,
  escapeText,
  type JUnitOptions,
  renderJUnit,
  renderSummaryMarkdown,
  type SummaryInput,
} from './ci.js';
export { html, jsonForScript } from './escape.js';
export { type ReportInput, renderReport } from './html.js';
export { type ChartImage, renderChartImages } from './images.js';
export { type PlanView, planView, viewFindings } from './plan-view.js';
