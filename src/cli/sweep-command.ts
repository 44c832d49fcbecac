/** The yargs definition of `shardcast sweep`: its arguments, options and help, and its handler. */
import type { Argv, CommandModule } from 'yargs';
import { TARGETS } from '../targets/index.js';
import type { TargetRegistry } from '../targets/target.js';
import { ALLOW_PATH_OPTION, allowPaths } from './allow-path.js';
import { joinSteps, lastGiven } from './args.js';
import { SET_OPTION } from './command-modules.js';
import { commandSweep } from './commands/sweep.js';
import type { Io } from './io.js';
import { givenTargetFlags, withTargetFlags } from './target-flags.js';

/** sweep's own options: a target flag of the same name would be read as sweep's (withTargetFlags refuses it). */
const SWEEP_OPTIONS = [
  'vary',
  'set',
  'allow-path',
  'gate',
  'target',
  'duration',
  'seed',
  'seeds',
  'pass-share',
  'parallel',
  'out',
  'json',
  'quiet',
];

function builder(y: Argv, targets: TargetRegistry) {
  return withTargetFlags(y, targets, SWEEP_OPTIONS)
    .positional('file', { type: 'string', demandOption: true, describe: 'scenario file (YAML or JSON)' })
    .option('vary', {
      type: 'string',
      array: true,
      default: [] as string[],
      describe:
        'an axis of the grid: a --set path and its values, a list (producers[0].rate=2k/s,4k/s) or a range (stream.shards=8..64 step 8) (repeatable: every combination runs)',
    })
    .option('set', SET_OPTION)
    .option('allow-path', ALLOW_PATH_OPTION)
    .option('gate', {
      type: 'string',
      array: true,
      default: [] as string[],
      describe:
        'a gate every point is judged by, beside the scenario\'s, e.g. "putLatency.p99 < 250ms" (repeatable)',
    })
    .option('target', {
      type: 'string',
      coerce: lastGiven<string>,
      default: 'model',
      describe: `where the points run: ${[...targets.keys()].join(', ')} (a target other than the model runs one point at a time, the whole sweep's cost guarded at once)`,
    })
    .option('duration', {
      type: 'string',
      coerce: lastGiven<string>,
      describe: "how long each run lasts, e.g. 10m or 600 (seconds) (default: the scenario's)",
    })
    .option('seed', {
      type: 'string',
      coerce: lastGiven<string>,
      describe: "the first seed, 0 … 4294967295 (default: the scenario's)",
    })
    .option('seeds', {
      type: 'string',
      coerce: lastGiven<string>,
      describe:
        'run each point with N seeds (the seed, seed + 1, …); it passes when all do, or --pass-share of them (default 1)',
    })
    .option('pass-share', {
      type: 'string',
      coerce: lastGiven<string>,
      describe: 'with --seeds, the share of seeds that must pass every gate, e.g. 0.8 or 80% (default: all)',
    })
    .option('parallel', {
      type: 'string',
      coerce: lastGiven<string>,
      describe:
        'points run at once, each in a worker thread (default: the number of cores; 1 runs in the main thread)',
    })
    .option('out', {
      type: 'string',
      coerce: lastGiven<string>,
      describe:
        'the directory sweep.json and sweep.csv go into, created if missing (default: reports/<scenario>/sweep-<time>)',
    })
    .option('json', {
      type: 'boolean',
      default: false,
      describe: 'print the sweep table (sweep.json) instead of the summary',
    })
    .option('quiet', { type: 'boolean', default: false, describe: 'no progress line' });
}

export function sweepCommand(
  io: Io,
  setExit: (code: number) => void,
  targets: TargetRegistry = TARGETS,
): CommandModule<object, ReturnType<typeof builder> extends Argv<infer U> ? U : never> {
  return {
    command: 'sweep <file>',
    describe:
      'Run a scenario (on the model, or --target aws|http) over a grid of --set values (--vary), each point planned, run and gated; write one table of every point (sweep.json, sweep.csv)',
    builder: (y) => builder(y, targets),
    handler: async (args) =>
      setExit(
        await commandSweep(
          io,
          {
            file: args.file,
            vary: joinSteps(args.vary.map(String)),
            set: args.set.map(String),
            gate: args.gate.map(String),
            allowPath: allowPaths(args['allow-path']),
            target: args.target,
            targetFlags: givenTargetFlags(args, targets),
            duration: args.duration,
            seed: args.seed,
            seeds: args.seeds,
            passShare: args['pass-share'],
            parallel: args.parallel,
            out: args.out,
            json: args.json,
            quiet: args.quiet,
          },
          targets,
        ),
      ),
  };
}
