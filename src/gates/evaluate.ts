/**
 * Evaluating gates against measured metrics (the Plan's and the RunResult's flat `metrics`): one
 * verdict per gate, with a message in the metric's natural unit for people and CI logs.
 */
import { compareWith, type Gate, type GateOp, type GateSource } from './expression.js';
import {
  formatQuantity,
  formatQuantityPair,
  GATE_UNIT_NAMES,
  type MetricQuantity,
  metricQuantity,
  QUANTITY_NAMES,
  suggestMetric,
  unitFits,
} from './metrics.js';

/** The outcome of one gate. */
export interface GateVerdict {
  /** The gate as written: `putLatency.p99 < 250ms`. */
  gate: string;
  metric: string;
  op: GateOp;
  /** The threshold in base units. */
  allowed: number;
  /** The measured value in base units; null when the metric was not measured. */
  measured: number | null;
  passed: boolean;
  source: GateSource;
  /** The metric's quantity, which sets how values are rendered. */
  quantity: MetricQuantity;
  /** The measured value for people: `312 ms`; `not measured` when absent. */
  measuredText: string;
  /** The comparison for people: `< 250 ms`. */
  allowedText: string;
  /** `putLatency.p99 = 312 ms, allowed < 250 ms`, or why the gate could not be evaluated. */
  message: string;
}

/**
 * Evaluates every gate against `metrics`. A gate whose metric is absent, not a number, or of a
 * quantity its value's unit does not fit (validation normally catches these first) fails with a
 * message saying so: a gate that cannot be checked must not pass silently.
 */
export function evaluateGates(
  gates: readonly Gate[],
  metrics: Readonly<Record<string, number>>,
): GateVerdict[] {
  return gates.map((gate) => evaluateGate(gate, metrics));
}

/** Evaluates one gate; see `evaluateGates`. */
export function evaluateGate(gate: Gate, metrics: Readonly<Record<string, number>>): GateVerdict {
  const quantity = metricQuantity(gate.metric);
  const common = {
    gate: gate.text,
    metric: gate.metric,
    op: gate.op,
    allowed: gate.value,
    source: gate.source,
    quantity,
  };
  const allowedAlone = `${gate.op} ${formatQuantity(gate.value, quantity)}`;

  // Object.hasOwn: a metric named `constructor` must not find Object.prototype's.
  const measured = Object.hasOwn(metrics, gate.metric) ? metrics[gate.metric] : undefined;
  if (measured === undefined) {
    const hint = suggestMetric(gate.metric, Object.keys(metrics));
    return {
      ...common,
      measured: null,
      passed: false,
      measuredText: 'not measured',
      allowedText: allowedAlone,
      message: `${gate.metric}: no such metric in this plan or run${hint === undefined ? '' : `; ${hint}`}`,
    };
  }
  if (!unitFits(gate.unit, quantity)) {
    return {
      ...common,
      measured,
      passed: false,
      measuredText: formatQuantity(measured, quantity),
      allowedText: `${gate.op} ${gate.valueText}`,
      message: `${gate.metric} is ${QUANTITY_NAMES[quantity]}, but ${gate.valueText} is ${GATE_UNIT_NAMES[gate.unit]}: the gate cannot be checked`,
    };
  }
  if (Number.isNaN(measured)) {
    return {
      ...common,
      measured,
      passed: false,
      measuredText: 'NaN',
      allowedText: allowedAlone,
      message: `${gate.metric} is not a number (NaN): the gate cannot be checked`,
    };
  }
  const [measuredText, allowedValueText] = formatQuantityPair(measured, gate.value, quantity);
  const allowedText = `${gate.op} ${allowedValueText}`;
  return {
    ...common,
    measured,
    passed: compareWith(gate.op, measured, gate.value),
    measuredText,
    allowedText,
    message: `${gate.metric} = ${measuredText}, allowed ${allowedText}`,
  };
}

/** True when every verdict passed (also when there are none). */
export function allGatesPassed(verdicts: readonly GateVerdict[]): boolean {
  return verdicts.every((v) => v.passed);
}
