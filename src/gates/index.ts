/**
 * Gates: expressions over plan and run metrics (`putLatency.p99 < 250ms`), their verdicts, and
 * comparison with a baseline. Their CI reports (JUnit XML, Markdown) are outputs: `report/ci.ts`.
 */
export {
  type CompareOptions,
  type ComparisonRow,
  compareMetrics,
  type Direction,
  formatChange,
  metricDirection,
  parseTolerance,
  type RenderComparisonOptions,
  renderComparison,
} from './compare.js';
export { allGatesPassed, evaluateGate, evaluateGates, type GateVerdict } from './evaluate.js';
export {
  compareWith,
  GATE_EXAMPLE,
  GATE_OPS,
  type Gate,
  type GateOp,
  type GateParseResult,
  type GateSource,
  type GateSyntaxError,
  type GateUnit,
  parseGate,
} from './expression.js';
export {
  formatQuantity,
  formatQuantityPair,
  type MetricQuantity,
  metricQuantity,
  suggestMetric,
  unitFits,
} from './metrics.js';
export { checkGates, gatesCheck, parseCliGates, parseScenarioGates } from './validate.js';
