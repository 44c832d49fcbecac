/** A problem with a scenario found after parsing, by a rule that needs more than the schema. */
export interface ScenarioIssue {
  /** Path inside the document, e.g. `['producers', 0, 'recordSize', 'p99']`. */
  path: readonly (string | number)[];
  message: string;
  expected?: string;
  found?: string;
  hint?: string;
  severity: 'error' | 'warning';
  /**
   * Other parts of the document the rule read (e.g. a gate's metric names read `consumers`): when
   * the schema rejected one of them, the issue is not reported (it would be about a stand-in).
   */
  dependsOn?: readonly (readonly (string | number)[])[];
}
