#!/usr/bin/env node
// The published entry point: runs the compiled CLI (built by `npm run build`, which `npm ci` runs
// through the `prepare` script).
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
