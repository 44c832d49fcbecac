/** shardcast's version (in `src/version.ts`, below the CLI, so the run pipeline stamps it too). */
export { SHARDCAST_VERSION } from '../version.js';
