import { stringify } from 'yaml';
import { formatProblem } from '../../errors.js';
import type { Scenario } from '../../scenario/schema.js';
import type { Io } from '../io.js';
import { plural } from '../plural.js';
import { loadScenario } from '../read.js';

/** `validate --json` without `--print`: the verdict for scripts. Invalid input exits 2 with the problems on stderr instead. */
export interface ValidationVerdict {
  version: 1;
  valid: true;
  file: string;
  name: string;
  counts: { producers: number; consumers: number; firehose: number; events: number; gates: number };
  /** Each warning as printed on stderr: `file:line:col: path: message`. */
  warnings: string[];
}

export interface ValidateArgs {
  file: string;
  print: boolean;
  json: boolean;
}

/** `shardcast validate FILE [--print] [--json]`: a verdict (text or JSON), or the scenario resolved. */
export function commandValidate(io: Io, args: ValidateArgs): number {
  const loaded = loadScenario(io, args.file);
  if (args.print) {
    const written = toWritten(loaded.scenario);
    io.stdout(args.json ? `${JSON.stringify(written, null, 2)}\n` : stringify(written, { lineWidth: 0 }));
  } else if (args.json) {
    const s = loaded.scenario;
    const verdict: ValidationVerdict = {
      version: 1,
      valid: true,
      file: args.file,
      name: s.name,
      counts: {
        producers: s.producers.length,
        consumers: s.consumers.length,
        firehose: s.firehose.length,
        events: s.events.length,
        gates: s.gates.length,
      },
      warnings: loaded.warnings.map(formatProblem),
    };
    io.stdout(`${JSON.stringify(verdict, null, 2)}\n`);
  } else {
    const s = loaded.scenario;
    io.stdout(
      `${args.file}: valid scenario "${s.name}": ${plural(s.producers.length, 'producer')}, ${plural(s.consumers.length, 'consumer')}, ${plural(s.firehose.length, 'Firehose stream')}, ${plural(s.events.length, 'event')}${loaded.warnings.length > 0 ? `, ${plural(loaded.warnings.length, 'warning')}` : ''}\n`,
    );
  }
  return 0;
}

/**
 * The resolved scenario in a form the schema reads back: quantities stay in base units (bytes,
 * seconds), and rates become `N/s` (records) or `NB/s` (bytes) strings.
 */
export function toWritten(scenario: Scenario): unknown {
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (value !== null && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record);
      if (keys.length === 2 && 'kind' in record && 'perSecond' in record) {
        return record.kind === 'bytes' ? `${record.perSecond}B/s` : `${record.perSecond}/s`;
      }
      // A trace read from `file` got its `points` on loading; the schema takes one or the other,
      // so print the file the user wrote (its path stays relative to the scenario).
      const loadedTrace = record.profile === 'trace' && record.file !== undefined;
      return Object.fromEntries(
        keys
          .filter((k) => record[k] !== undefined && !(loadedTrace && k === 'points'))
          .map((k) => [k, walk(record[k])]),
      );
    }
    return value;
  };
  return walk(scenario);
}
