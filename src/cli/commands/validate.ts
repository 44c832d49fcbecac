import { stringify } from 'yaml';
import type { Scenario } from '../../scenario/schema.js';
import type { Io } from '../io.js';
import { loadScenario } from '../read.js';

export interface ValidateArgs {
  file: string;
  print: boolean;
  json: boolean;
  /** Folders beyond the scenario's own that files it names may be read from (`--allow-path`). */
  allowPath?: readonly string[] | undefined;
}

/** `shardcast validate FILE [--print] [--json]`. */
export function commandValidate(io: Io, args: ValidateArgs): number {
  const loaded = loadScenario(io, args.file, args.allowPath);
  if (args.print) {
    const written = toWritten(loaded.scenario);
    io.stdout(args.json ? `${JSON.stringify(written, null, 2)}\n` : stringify(written, { lineWidth: 0 }));
  } else {
    const s = loaded.scenario;
    io.stdout(
      `${args.file}: valid scenario "${s.name}": ${s.producers.length} producer(s), ${s.consumers.length} consumer(s), ${s.firehose.length} Firehose stream(s), ${s.events.length} event(s)${loaded.warnings.length > 0 ? `, ${loaded.warnings.length} warning(s)` : ''}\n`,
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
