import { join } from 'node:path';
import { ExitCode } from '../../errors.js';
import { scenarioJsonSchema } from '../../scenario/json-schema.js';
import { displayPath, type Io } from '../io.js';
import { outputDirectory, writeArtefact } from '../out.js';

/** The file `schema --out DIR` writes into DIR (the repository keeps it in schema/). */
export const SCHEMA_FILE = 'scenario.schema.json';

/** `shardcast schema [--out DIR]`: the JSON Schema on stdout, or as DIR/scenario.schema.json. */
export function commandSchema(io: Io, args: { out?: string | undefined }): number {
  const text = `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
  if (args.out !== undefined) {
    const file = join(outputDirectory(io, args.out), SCHEMA_FILE);
    writeArtefact(io, file, text);
    io.stderr(`Wrote ${displayPath(io.cwd, file)}\n`);
  } else io.stdout(text);
  return ExitCode.ok;
}
