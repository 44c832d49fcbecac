/**
 * Which run metrics a target measures, from its `measures` patterns (README, "Targets"). A gate on
 * a run metric no pattern matches is refused before the run: a target that cannot see shards must
 * not pass `shards.maxUtilization < 1` on a zero it never measured.
 *
 * A pattern is the metric's name with wildcards, segment by segment (segments split at `.`):
 * - `*` stands for one name: a consumer's or a Firehose stream's, which may itself contain dots
 *   (`consumers.*.lagSeconds.max` matches `consumers.app.v2.lagSeconds.max`);
 * - a final `**` stands for any rest of one segment or more (`firehose.**`; `**` alone, every metric).
 * Anything else matches itself, whole: `puts.*` does not match `putsX.a`, nor `records.acknowledged`
 * `records.acknowledgedTotal`.
 */

/** The problem with a pattern, or undefined when it is well formed. */
export function measurePatternProblem(pattern: string): string | undefined {
  const segments = pattern.split('.');
  if (segments.some((s) => s === '')) return `"${pattern}" has an empty segment`;
  const inner = segments.findIndex((s, i) => s === '**' && i < segments.length - 1);
  if (inner >= 0) return `"${pattern}": "**" may only end a pattern`;
  const partial = segments.find((s) => s !== '*' && s !== '**' && s.includes('*'));
  if (partial !== undefined) return `"${pattern}": "*" stands for a whole segment, not part of "${partial}"`;
  return undefined;
}

const compiled = new Map<string, RegExp>();

/** The anchored regular expression of a well-formed pattern. */
function patternRegExp(pattern: string): RegExp {
  const known = compiled.get(pattern);
  if (known !== undefined) return known;
  const problem = measurePatternProblem(pattern);
  // A target's patterns are code, not user input: a malformed one is a bug in the target.
  if (problem !== undefined) throw new Error(`malformed measures pattern ${problem}`);
  const segment = '[^.]+';
  const source = pattern
    .split('.')
    .map((s) => {
      if (s === '**') return `${segment}(?:\\.${segment})*`;
      // One name, which may contain dots: one segment or more, tried shortest first.
      if (s === '*') return `${segment}(?:\\.${segment})*?`;
      return s.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
    })
    .join('\\.');
  const regExp = new RegExp(`^${source}$`);
  compiled.set(pattern, regExp);
  return regExp;
}

/** Whether `metric` matches `pattern` (see the module comment). */
export function matchesMeasurePattern(pattern: string, metric: string): boolean {
  return patternRegExp(pattern).test(metric);
}

/** Whether a target with these `measures` patterns measures `metric`. */
export function measures(patterns: readonly string[], metric: string): boolean {
  return patterns.some((p) => matchesMeasurePattern(p, metric));
}
