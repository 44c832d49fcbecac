/**
 * Property tests draw from a fixed seed, so a CI run is reproducible; set FC_SEED to explore other
 * draws locally (a failure prints its seed and counterexample either way).
 */
import fc from 'fast-check';

fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20_261_124) });

// As bin/shardcast.js does: the SDK's Node-22 notice is noise here (the lock pins versions that run on Node 20).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
