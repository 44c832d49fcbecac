/**
 * The `shardcast` command line. The only place that prints, and that turns errors into exit codes
 * (README, "Exit codes"): 0 ok, 1 a gate failed, 2 invalid input, 3 target failure, 70 internal,
 * 130 interrupted (SIGINT/SIGTERM).
 */
import yargs, { type Argv } from 'yargs';
import { ExitCode, formatProblem, InvalidInputError, type Problem, ShardcastError } from '../errors.js';
import { plural } from '../scenario/units.js';
import { type CreateServices, createServices } from '../serve/index.js';
import { TARGETS } from '../targets/index.js';
import type { TargetRegistry } from '../targets/target.js';
import { ALLOW_PATH_OPTION, allowPaths } from './allow-path.js';
import { lastGiven } from './args.js';
import {
  cleanupCommand,
  compareCommand,
  factsCommand,
  findCommand,
  planCommand,
  reportCommand,
  SET_OPTION,
  schemaCommand,
  validateCommand,
} from './command-modules.js';
import { commandRun } from './commands/run.js';
import { serveCommand } from './commands/serve.js';
import { commandTargets } from './commands/targets.js';
import { type Io, nodeIo } from './io.js';
import { formatWarnings } from './read.js';
import { sweepCommand } from './sweep-command.js';
import { givenTargetFlags, withTargetFlags } from './target-flags.js';
import { SHARDCAST_VERSION } from './version.js';

/** Thrown for a command line yargs rejects (unknown option, missing argument): exit code 2. */
class UsageError extends ShardcastError {
  constructor(message: string) {
    super(
      'usage',
      message,
      ExitCode.invalidInput,
      'run `shardcast --help` for the commands and their options',
    );
  }
}

/** `run`'s own options: a target's flag may not take one of these names. */
const RUN_OPTIONS = [
  'target',
  'seed',
  'duration',
  'out',
  'json',
  'quiet',
  'gate',
  'html',
  'set',
  'allow-path',
  'worker',
  'dry-run',
  'abort-on-fail',
];

function buildParser(
  io: Io,
  setExit: (code: number) => void,
  targets: TargetRegistry,
  services: CreateServices,
): Argv {
  return yargs()
    .scriptName('shardcast')
    .usage(
      '$0 <command> [options]\n\nCapacity planning and load testing for Amazon Kinesis Data Streams and Firehose.',
    )
    .command(planCommand(io, setExit))
    .command(
      'run <file>',
      'Replay a scenario against a target (the built-in engine model by default), evaluate its gates, write result.json, plan.json, gates.json, junit.xml, summary.md and the HTML report',
      (y) =>
        withTargetFlags(y, targets, RUN_OPTIONS)
          .positional('file', {
            type: 'string',
            demandOption: true,
            describe: 'scenario file (YAML or JSON)',
          })
          .option('target', {
            type: 'string',
            coerce: lastGiven<string>,
            default: 'model',
            describe: `where to run: ${[...targets.keys()].join(', ')}`,
          })
          .option('seed', {
            type: 'string',
            coerce: lastGiven<string>,
            describe: "random seed, 0 … 4294967295 (default: the scenario's)",
          })
          .option('duration', {
            type: 'string',
            coerce: lastGiven<string>,
            describe: "how long to run, e.g. 10m or 600 (seconds) (default: the scenario's)",
          })
          .option('out', {
            type: 'string',
            coerce: lastGiven<string>,
            describe:
              'the directory the artefacts go into, created if missing (default: reports/<scenario>/<run-id>)',
          })
          .option('json', {
            type: 'boolean',
            default: false,
            describe:
              'print a compact JSON summary (gates, key metrics); the whole RunResult is in result.json',
          })
          .option('quiet', { type: 'boolean', default: false, describe: 'no progress bar' })
          .option('gate', {
            type: 'string',
            array: true,
            default: [],
            describe: 'a gate, e.g. "putLatency.p99 < 250ms" (repeatable)',
          })
          .option('html', {
            type: 'boolean',
            default: true,
            describe: 'write the HTML report, index.html, beside result.json (--no-html to skip)',
          })
          .option('set', SET_OPTION)
          .option('allow-path', ALLOW_PATH_OPTION)
          .option('worker', {
            type: 'string',
            coerce: lastGiven<string>,
            describe:
              'run worker I of N of a load split across machines, counted from 1, e.g. 2/4 (targets that run a share only)',
          })
          .option('dry-run', {
            type: 'boolean',
            default: false,
            describe:
              'print every call the target would make, its request counts and cost estimate; run nothing, write nothing, exit 2 when its cost guard would refuse (targets with a dry run only)',
          })
          .option('abort-on-fail', {
            type: 'boolean',
            default: false,
            describe:
              'stop as soon as a gate has failed beyond recovery (a total or a maximum already past it), write every artefact marked aborted, exit 1',
          }),
      async (args) =>
        setExit(
          await commandRun(
            io,
            {
              file: args.file,
              target: args.target,
              seed: args.seed,
              duration: args.duration,
              out: args.out,
              json: args.json,
              quiet: args.quiet,
              gate: args.gate.map(String),
              html: args.html,
              set: args.set.map(String),
              allowPath: allowPaths(args['allow-path']),
              worker: args.worker,
              targetFlags: givenTargetFlags(args, targets),
              dryRun: args['dry-run'],
              abortOnFail: args['abort-on-fail'],
            },
            targets,
          ),
        ),
    )
    .command(reportCommand(io, setExit))
    .command(compareCommand(io, setExit))
    .command(validateCommand(io, setExit, targets))
    .command(schemaCommand(io, setExit))
    .command(
      'targets',
      'List where `run` can go: each target, the run metrics it measures, whether it runs a share (--worker), its options',
      (y) => y.option('json', { type: 'boolean', default: false, describe: 'print JSON' }),
      (args) => setExit(commandTargets(io, { json: args.json }, targets)),
    )
    .command(factsCommand(io, setExit))
    .command(findCommand(io, setExit))
    .command(serveCommand(io, setExit, services))
    .command(cleanupCommand(io, setExit))
    .command(sweepCommand(io, setExit, targets))
    .demandCommand(
      1,
      'name a command: plan, run, sweep, find, report, compare, validate, schema, targets, facts, serve or cleanup',
    )
    .strict()
    .help()
    .alias('help', 'h')
    .version('version', 'Show the version and exit', SHARDCAST_VERSION)
    .alias('version', 'v')
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .exitProcess(false)
    .fail((message, error) => {
      if (error) throw error;
      throw new UsageError(message);
    });
}

export interface MainOptions {
  /** The targets `run --target` chooses from (and whose flags it offers): the built-in ones by default. */
  targets?: TargetRegistry;
  /** The services `serve` serves: the built-in ones by default (tests pass fixtures). */
  createServices?: CreateServices;
}

/** Runs the command line `argv` (without node and the script) and returns the exit code. */
export async function main(
  argv: readonly string[],
  io: Io = nodeIo(),
  options: MainOptions = {},
): Promise<number> {
  let exitCode: number = ExitCode.ok;
  try {
    let output = '';
    await buildParser(
      io,
      (code) => {
        exitCode = code;
      },
      options.targets ?? TARGETS,
      options.createServices ?? createServices,
    ).parseAsync([...argv], {}, (_error, _args, text) => {
      output = text;
    });
    if (output) io.stdout(`${output}\n`);
    return exitCode;
  } catch (error) {
    return reportError(io, error);
  }
}

/** Prints an error the way a user should see it and returns its exit code. */
export function reportError(io: Io, error: unknown): number {
  if (error instanceof InvalidInputError) {
    io.stderr(formatProblems(error.message, error.problems));
    // Found in the same pass: fixing the problems should reveal nothing the first run did not say.
    io.stderr(formatWarnings(error.warnings));
    return error.exitCode;
  }
  if (error instanceof ShardcastError) {
    io.stderr(`error: ${error.message}\n${error.hint ? `hint: ${error.hint}\n` : ''}`);
    return error.exitCode;
  }
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.stderr(
    `internal error: shardcast failed unexpectedly. This is a bug; please report it with the command you ran and this trace:\n${stack}\n`,
  );
  return ExitCode.internal;
}

/** Problems printed one by one; the rest are counted (a mutated file once printed 400,004 lines). */
export const MAX_PRINTED_PROBLEMS = 50;

export function formatProblems(headline: string, problems: readonly Problem[]): string {
  const shown = problems.slice(0, MAX_PRINTED_PROBLEMS);
  const lines = shown.map((p) => `  ${formatProblem(p).replace(/\n/g, '\n  ')}`);
  const rest = problems.length - shown.length;
  if (rest > 0) lines.push(`  … and ${plural(rest, 'more problem')} (the first ${shown.length} are shown)`);
  return `error: ${headline}\n${lines.join('\n')}\n`;
}
