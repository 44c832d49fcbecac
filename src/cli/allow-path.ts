/**
 * `--allow-path DIR`, on every command that loads a scenario: a file the scenario names (a trace's
 * `file:`) is read only from the scenario's folder unless a folder is allowed here (src/confine.ts).
 */
export const ALLOW_PATH_OPTION = {
  type: 'string',
  array: true,
  default: [] as string[],
  requiresArg: true,
  describe:
    "also let the scenario read files (trace CSVs) from this folder, not only from the scenario's own (repeatable)",
} as const;

/** The folders given, as strings (yargs may give numbers for numeric names). */
export function allowPaths(value: readonly (string | number)[] | undefined): string[] {
  return (value ?? []).map(String);
}
