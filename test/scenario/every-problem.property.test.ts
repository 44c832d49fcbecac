/**
 * Every problem at once, over the bundled scenarios (issue 9, point 12): a schema problem in one
 * part never hides a later stage's problem in an independent part. Each case breaks one field
 * (the schema's stage) and adds one problem only a later stage finds (an AWS limit, or a gate
 * naming no metric); both must be in the one error, each at a line of the file, sorted by line.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { InvalidInputError, type Problem } from '../../src/errors.js';
import { loadScenarioText } from '../../src/load.js';

const DIR = 'scenarios';
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.yaml'));

/** Schema-stage breakages: the path set, the value, the path the problem names. */
const BREAKS: { path: (string | number)[]; value: unknown; reported: string }[] = [
  { path: ['producers', 0, 'rate'], value: 'fast', reported: 'producers[0].rate' },
  { path: ['duration'], value: 'soon', reported: 'duration' },
  { path: ['engine', 'tick'], value: '5s', reported: 'engine.tick' },
  { path: ['headroom'], value: -1, reported: 'headroom' },
];

/** Later-stage problems, in parts that do not depend on the broken ones. */
const LATER: { apply: (doc: ReturnType<typeof parseDocument>) => string; message: RegExp }[] = [
  {
    // AWS limit (src/aws/checks.ts): MaxRecordSizeInKiB is 1,024 … 10,240.
    apply: (doc) => {
      doc.setIn(['stream', 'maxRecordSize'], '20MiB');
      return 'stream.maxRecordSize';
    },
    message: /maximum record size/,
  },
  {
    // Gate check (src/gates/validate.ts): a metric no plan or run has.
    apply: (doc) => {
      const gates = doc.getIn(['gates']) as { items?: unknown[] } | undefined;
      const index = gates?.items?.length ?? 0;
      if (index === 0) doc.setIn(['gates'], ['nosuch.metric < 1']);
      else doc.addIn(['gates'], 'nosuch.metric < 1');
      return `gates[${index}]`;
    },
    message: /unknown metric "nosuch\.metric"/,
  },
];

function problemsOf(text: string, file: string): readonly Problem[] {
  try {
    loadScenarioText(text, file);
  } catch (error) {
    if (error instanceof InvalidInputError) return error.problems;
    throw error;
  }
  return [];
}

describe('every problem at once, over the bundled scenarios', () => {
  it('reports the schema problem and the later stage problem together, located and sorted', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...FILES),
        fc.constantFrom(...BREAKS),
        fc.constantFrom(...LATER),
        (file, broken, later) => {
          const doc = parseDocument(readFileSync(join(DIR, file), 'utf8'));
          doc.setIn(broken.path, broken.value);
          const laterPath = later.apply(doc);
          const problems = problemsOf(String(doc), join(DIR, file));
          const paths = problems.map((p) => p.location.path);
          expect(paths).toContain(broken.reported);
          expect(paths).toContain(laterPath);
          expect(problems.find((p) => p.location.path === laterPath)!.message).toMatch(later.message);
          for (const p of problems) expect(p.location.line, p.location.path).toBeGreaterThan(0);
          const lines = problems.map((p) => p.location.line!);
          expect(lines).toEqual([...lines].sort((a, b) => a - b));
        },
      ),
      { numRuns: 64 },
    );
  });
});
