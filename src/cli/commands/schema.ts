import { scenarioJsonSchema } from '../../scenario/json-schema.js';
import { type Io, resolvePath } from '../io.js';

/** `shardcast schema [--out FILE]`. */
export function commandSchema(io: Io, args: { out?: string | undefined }): number {
  const text = `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
  if (args.out) {
    io.writeFile(resolvePath(io, args.out), text);
    io.stderr(`wrote ${args.out}\n`);
  } else io.stdout(text);
  return 0;
}
