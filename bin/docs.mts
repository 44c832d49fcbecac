// Regenerates the README's field table from the scenario schema: `npm run docs`.
import { readFileSync, writeFileSync } from 'node:fs';
import { replaceFieldTable } from '../src/scenario/field-table.ts';

const readme = readFileSync('README.md', 'utf8');
const updated = replaceFieldTable(readme);
if (updated !== readme) writeFileSync('README.md', updated);
process.stdout.write(updated === readme ? 'README.md is up to date\n' : 'README.md updated\n');
