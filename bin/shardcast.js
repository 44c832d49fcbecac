#!/usr/bin/env node
// The published entry point: runs the compiled CLI (built by `npm run build`, which `npm ci` runs
// through the `prepare` script).
import { main } from '../dist/cli/main.js';

// The AWS SDK warns on every run under Node 20 that its releases after January 2027 will need
// Node 22. This package pins SDK versions that run on Node 20: the warning is noise to our users.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

process.exitCode = await main(process.argv.slice(2));
