/**
 * The admin routes under `/_shardcast/` (no `X-Amz-Target`): what the server saw, and its faults.
 *
 * - `GET /_shardcast/metrics`: `{ transport: { requests: { "<Prefix>.<Operation>": { "<status>": n } },
 *   errors: { "<__type>": n }, faults: { throttle, reset, error500, error503, latency } },
 *   services: { "<Prefix>": service.metrics() } }`;
 * - `GET /_shardcast/faults`: `{ spec, seed }`;
 * - `PUT /_shardcast/faults` with the spec as the body (text, or JSON `{"spec": "…"}`): replaces it;
 *   an empty body clears every fault. A spec that does not parse: 400 with the column.
 */
import type { FaultInjector } from './faults.js';
import { FaultSpecError, parseFaults } from './faults.js';
import type { Service } from './protocol.js';

export interface TransportCounts {
  requests: Record<string, Record<string, number>>;
  errors: Record<string, number>;
}

export interface AdminAnswer {
  status: number;
  body: unknown;
}

export interface AdminState {
  services: readonly Service[];
  faults: FaultInjector;
  counts: TransportCounts;
}

/** The spec in a PUT body: plain text, or `{"spec": "…"}`. */
function specOf(body: string): string {
  const trimmed = body.trim();
  if (!trimmed.startsWith('{')) return trimmed;
  const parsed: unknown = JSON.parse(trimmed);
  const spec = (parsed as { spec?: unknown } | null)?.spec;
  if (typeof spec !== 'string') throw new SyntaxError('expected {"spec": "<fault spec>"}');
  return spec;
}

function metrics(state: AdminState): unknown {
  const services: Record<string, unknown> = {};
  for (const service of state.services) services[service.targetPrefix] = service.metrics?.() ?? {};
  return {
    transport: { ...state.counts, faults: { ...state.faults.counts } },
    services,
  };
}

/** Answers a request under `/_shardcast/` (404 naming the routes for an unknown one). */
export function answerAdmin(state: AdminState, method: string, path: string, body: string): AdminAnswer {
  const route = path.split('?')[0];
  if (route === '/_shardcast/metrics') {
    if (method !== 'GET') return { status: 405, body: { message: 'use GET /_shardcast/metrics' } };
    return { status: 200, body: metrics(state) };
  }
  if (route === '/_shardcast/faults') {
    if (method === 'GET')
      return { status: 200, body: { spec: state.faults.plan.spec, seed: state.faults.seed } };
    if (method !== 'PUT') return { status: 405, body: { message: 'use GET or PUT /_shardcast/faults' } };
    try {
      const operations = new Set(state.services.flatMap((service) => [...service.operations.keys()]));
      state.faults.replace(parseFaults(specOf(body), operations));
      return { status: 200, body: { spec: state.faults.plan.spec, seed: state.faults.seed } };
    } catch (error) {
      if (error instanceof FaultSpecError) {
        return { status: 400, body: { message: error.message, position: error.position + 1 } };
      }
      return { status: 400, body: { message: error instanceof Error ? error.message : String(error) } };
    }
  }
  return {
    status: 404,
    body: { message: `no admin route ${route}: GET /_shardcast/metrics, GET or PUT /_shardcast/faults` },
  };
}
