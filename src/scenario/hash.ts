/** A scenario's identity for results: `compare` warns when two results of one name ran different inputs. */
import { createHash } from 'node:crypto';
import type { Scenario } from './schema.js';

/** `sha256:<hex>` of a resolved scenario, its keys sorted so the hash follows content, not order. */
export function scenarioHash(scenario: Scenario): string {
  const canonical = JSON.stringify(scenario, (_key, value: unknown) =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : value,
  );
  return `sha256:${createHash('sha256').update(canonical, 'utf8').digest('hex')}`;
}
