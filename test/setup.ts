/**
 * Property tests draw from a fixed seed, so a CI run is reproducible; set FC_SEED to explore other
 * draws locally (a failure prints its seed and counterexample either way).
 */
import fc from 'fast-check';

fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20_261_124) });
