/**
 * Fault injection (`--faults 'throttle=5%,error5xx=1%,reset=0.5%,latency=20ms±10ms'`), seeded and
 * reproducible: one `Rng` draws, in the order requests arrive, one uniform u per request and picks
 * by where u falls among the cumulative rates — [0, reset) resets, [reset, reset + throttle)
 * throttles, then error5xx — so each kind's count over n sequential calls is Binomial(n, rate).
 * A 5xx then draws again: 500 InternalFailure or 503 ServiceUnavailable, even odds. Latency adds
 * `mean ± jitter` ms, uniform across the range, drawn only when latency is set.
 *
 * `PutRecords:reset=2%` sets a kind for one operation: it replaces that kind's global rate there.
 */
import { suggest } from '../suggest.js';
import { Rng } from '../workload/random.js';

export interface FaultRates {
  /** Shares in [0, 1]. */
  throttle?: number;
  error5xx?: number;
  reset?: number;
  latencyMs?: number;
  jitterMs?: number;
}

export interface FaultPlan {
  /** The spec as given (what `GET /_shardcast/faults` shows). */
  spec: string;
  all: FaultRates;
  byOperation: ReadonlyMap<string, FaultRates>;
}

/** A fault spec that does not parse: `position` is the 0-based column in the spec. */
export class FaultSpecError extends Error {
  constructor(
    readonly spec: string,
    readonly position: number,
    readonly reason: string,
  ) {
    // Neutral about where the spec came from (--faults, or PUT /_shardcast/faults): the CLI adds its flag.
    super(`fault spec '${spec}': at column ${position + 1}: ${reason}`);
    this.name = 'FaultSpecError';
  }
}

export const NO_FAULTS: FaultPlan = { spec: '', all: {}, byOperation: new Map() };

const SHARE_KINDS = ['throttle', 'error5xx', 'reset'] as const;
const KINDS = [...SHARE_KINDS, 'latency'];

/** `5%` or `0.5%` → 0.05, 0.005; undefined when it is not a percentage in [0, 100]. */
function parseShare(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)%$/.exec(text);
  if (!match) return undefined;
  const percent = Number(match[1]);
  return percent <= 100 ? percent / 100 : undefined;
}

/** `20ms`, `20ms±10ms`, `20ms+-10ms`, `1s` → { latencyMs, jitterMs }. */
function parseLatency(text: string): { latencyMs: number; jitterMs: number } | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s)(?:(?:±|\+-)(\d+(?:\.\d+)?)(ms|s))?$/.exec(text);
  if (!match) return undefined;
  const ms = (value: string, unit: string) => Number(value) * (unit === 's' ? 1000 : 1);
  const latencyMs = ms(match[1]!, match[2]!);
  const jitterMs = match[3] === undefined ? 0 : ms(match[3], match[4]!);
  return jitterMs <= latencyMs ? { latencyMs, jitterMs } : undefined;
}

/**
 * Parses a fault spec; an empty spec is no faults. Throws `FaultSpecError` naming the column.
 * With `operations` (the services' operation names), an operation it does not know is refused
 * (`PutRecordz:reset=1%` would otherwise inject nothing, silently); a kind given twice for the same
 * operation (or twice globally) is refused too, as a typo rather than a choice.
 */
export function parseFaults(spec: string, operations?: ReadonlySet<string>): FaultPlan {
  const all: FaultRates = {};
  const seen = new Set<string>();
  const byOperation = new Map<string, FaultRates>();
  let at = 0;
  for (const raw of spec.split(',')) {
    const start = at + (raw.length - raw.trimStart().length);
    at += raw.length + 1;
    const entry = raw.trim();
    if (entry === '') {
      if (spec.trim() === '') continue;
      throw new FaultSpecError(spec, start, 'an empty entry: write kind=value, e.g. throttle=5%');
    }
    const equals = entry.indexOf('=');
    if (equals < 0)
      throw new FaultSpecError(spec, start, `'${entry}' has no '=': write kind=value, e.g. throttle=5%`);
    const name = entry.slice(0, equals);
    const value = entry.slice(equals + 1);
    const colon = name.indexOf(':');
    const operation = colon < 0 ? undefined : name.slice(0, colon);
    const kind = colon < 0 ? name : name.slice(colon + 1);
    if (operation !== undefined && !/^[A-Z][A-Za-z]+$/.test(operation)) {
      throw new FaultSpecError(spec, start, `'${operation}' is not an operation name such as PutRecords`);
    }
    if (operation !== undefined && operations !== undefined && !operations.has(operation)) {
      const near = suggest(operation, [...operations]);
      throw new FaultSpecError(
        spec,
        start,
        `unknown operation '${operation}'${near === undefined ? '' : `: did you mean ${near}?`}`,
      );
    }
    const key = `${operation ?? ''}:${kind}`;
    if (seen.has(key)) {
      throw new FaultSpecError(
        spec,
        start,
        `${operation === undefined ? '' : `${operation}:`}${kind} is given twice`,
      );
    }
    seen.add(key);
    const kindAt = start + (colon < 0 ? 0 : colon + 1);
    const valueAt = start + equals + 1;
    const rates = operation === undefined ? all : (byOperation.get(operation) ?? {});
    if (kind === 'latency') {
      const latency = parseLatency(value);
      if (!latency) {
        throw new FaultSpecError(
          spec,
          valueAt,
          `latency '${value}' is not a duration such as 20ms or 20ms±10ms (jitter at most the mean)`,
        );
      }
      Object.assign(rates, latency);
    } else if ((SHARE_KINDS as readonly string[]).includes(kind)) {
      const share = parseShare(value);
      if (share === undefined) {
        throw new FaultSpecError(
          spec,
          valueAt,
          `${kind} '${value}' is not a percentage from 0% to 100%, such as 5% or 0.5%`,
        );
      }
      rates[kind as (typeof SHARE_KINDS)[number]] = share;
    } else {
      throw new FaultSpecError(spec, kindAt, `unknown fault '${kind}': expected one of ${KINDS.join(', ')}`);
    }
    if (operation !== undefined) byOperation.set(operation, rates);
  }
  const plan = { spec, all, byOperation };
  for (const operation of [undefined, ...byOperation.keys()]) {
    const rates = effectiveRates(plan, operation);
    const total = (rates.throttle ?? 0) + (rates.error5xx ?? 0) + (rates.reset ?? 0);
    if (total > 1 + 1e-12) {
      throw new FaultSpecError(
        spec,
        0,
        `throttle + error5xx + reset add up to ${(total * 100).toFixed(1)}%${operation ? ` for ${operation}` : ''}: at most 100%`,
      );
    }
  }
  return plan;
}

/** The rates for `operation`: its own kinds over the global ones. */
export function effectiveRates(plan: FaultPlan, operation: string | undefined): FaultRates {
  const own = operation === undefined ? undefined : plan.byOperation.get(operation);
  return own ? { ...plan.all, ...own } : plan.all;
}

export type FaultDecision =
  | { kind: 'none'; delayMs: number }
  | { kind: 'throttle' | 'reset' | 'error500' | 'error503'; delayMs: number };

export type FaultKind = Exclude<FaultDecision['kind'], 'none'> | 'latency';

/** Draws each request's fault from one seeded generator (see the module comment). */
export class FaultInjector {
  private rng: Rng;
  plan: FaultPlan;
  /** Faults injected so far, by kind. */
  readonly counts: Record<FaultKind, number> = {
    throttle: 0,
    reset: 0,
    error500: 0,
    error503: 0,
    latency: 0,
  };

  constructor(
    readonly seed: number,
    plan: FaultPlan = NO_FAULTS,
  ) {
    this.rng = new Rng(seed);
    this.plan = plan;
  }

  /** Replaces the plan (PUT /_shardcast/faults); the generator carries on where it was. */
  replace(plan: FaultPlan): void {
    this.plan = plan;
  }

  decide(operation: string): FaultDecision {
    const rates = effectiveRates(this.plan, operation);
    const reset = rates.reset ?? 0;
    const throttle = rates.throttle ?? 0;
    const error5xx = rates.error5xx ?? 0;
    let delayMs = 0;
    if ((rates.latencyMs ?? 0) > 0) {
      const jitterMs = rates.jitterMs ?? 0;
      delayMs = rates.latencyMs! + jitterMs * (2 * this.rng.uniform() - 1);
      this.counts.latency += 1;
    }
    if (reset + throttle + error5xx === 0) return { kind: 'none', delayMs };
    const u = this.rng.uniform();
    let kind: FaultDecision['kind'] = 'none';
    if (u < reset) kind = 'reset';
    else if (u < reset + throttle) kind = 'throttle';
    else if (u < reset + throttle + error5xx) kind = this.rng.uniform() < 0.5 ? 'error500' : 'error503';
    if (kind !== 'none') this.counts[kind] += 1;
    return { kind, delayMs };
  }
}
