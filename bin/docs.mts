// Regenerates the generated parts of the docs: the README's field table from the scenario schema,
// and docs/aws-facts.md's tables of figures, prices and sources from src/aws: `npm run docs`.
import { readFileSync, writeFileSync } from 'node:fs';
import { replaceFactsTables } from '../src/aws/facts-doc.ts';
import { replaceFieldTable } from '../src/scenario/field-table.ts';

for (const [file, replace] of [
  ['README.md', replaceFieldTable],
  ['docs/aws-facts.md', replaceFactsTables],
] as const) {
  const text = readFileSync(file, 'utf8');
  const updated = replace(text);
  if (updated !== text) writeFileSync(file, updated);
  process.stdout.write(updated === text ? `${file} is up to date\n` : `${file} updated\n`);
}
