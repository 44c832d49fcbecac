// Runs the CLI from the TypeScript sources (no build): `npx tsx bin/dev.mts plan scenarios/launch-day.yaml`.
import { main } from '../src/cli/main.ts';

process.exitCode = await main(process.argv.slice(2));
