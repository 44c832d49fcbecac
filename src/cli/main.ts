/**
 * The `shardcast` command line. The only place that prints, and that turns errors into exit codes
 * (README, "Exit codes"): 0 ok, 1 a gate failed, 2 invalid input, 3 target failure, 70 internal.
 */
import yargs, { type Argv } from 'yargs';
import { ExitCode, formatProblem, InvalidInputError, type Problem, ShardcastError } from '../errors.js';
import { TARGETS } from '../targets/index.js';
import type { TargetRegistry } from '../targets/target.js';
import { ALLOW_PATH_OPTION, allowPaths } from './allow-path.js';
import { lastGiven } from './args.js';
import { commandCompare } from './commands/compare.js';
import { commandFacts } from './commands/facts.js';
import { commandPlan } from './commands/plan.js';
import { commandReport } from './commands/report.js';
import { commandRun } from './commands/run.js';
import { commandSchema } from './commands/schema.js';
import { commandTargets } from './commands/targets.js';
import { commandValidate } from './commands/validate.js';
import { type Io, nodeIo } from './io.js';
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

/** `--set PATH=VALUE` on every command that loads a scenario (plan, run, validate). */
const SET_OPTION = {
  type: 'string',
  array: true,
  default: [] as string[],
  describe:
    'set a scenario field before it is validated, e.g. --set stream.shards=24 --set producers[0].rate=8k/s (repeatable; the value is read as YAML)',
} as const;

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
];

function buildParser(io: Io, setExit: (code: number) => void, targets: TargetRegistry): Argv {
  return yargs()
    .scriptName('shardcast')
    .usage(
      '$0 <command> [options]\n\nCapacity planning and load testing for Amazon Kinesis Data Streams and Firehose.',
    )
    .command(
      'plan <file>',
      'Plan shards, hot keys, fan-out, Firehose buffering, resharding and monthly cost for a scenario',
      (y) =>
        y
          .positional('file', {
            type: 'string',
            demandOption: true,
            describe: 'scenario file (YAML or JSON)',
          })
          .option('json', { type: 'boolean', default: false, describe: 'print the Plan as JSON' })
          .option('out', {
            type: 'string',
            coerce: lastGiven<string>,
            describe:
              'write plan.json, gates.json and the HTML report (index.html) into this directory (created if missing)',
          })
          .option('html', {
            type: 'boolean',
            default: true,
            describe: 'with --out, write index.html too (--no-html to skip)',
          })
          .option('set', SET_OPTION)
          .option('allow-path', ALLOW_PATH_OPTION)
          .option('gate', {
            type: 'string',
            array: true,
            default: [],
            describe:
              'a gate over a plan metric, e.g. "shards.recommended <= 24" (repeatable); exit 1 if one fails',
          }),
      (args) =>
        setExit(
          commandPlan(io, {
            file: args.file,
            json: args.json,
            out: args.out,
            html: args.html,
            set: args.set.map(String),
            gate: args.gate.map(String),
            allowPath: allowPaths(args['allow-path']),
          }),
        ),
    )
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
            },
            targets,
          ),
        ),
    )
    .command(
      'report <file>',
      'Write the HTML report of a run (its result.json, with plan.json and gates.json beside it) or of a plan',
      (y) =>
        y
          .positional('file', {
            type: 'string',
            demandOption: true,
            describe: 'result.json written by `run`, or a plan written by `plan --out`',
          })
          .option('baseline', {
            type: 'string',
            coerce: lastGiven<string>,
            describe: 'a result.json to compare with: metric changes, regressions, both runs on the charts',
          })
          .option('out', {
            type: 'string',
            coerce: lastGiven<string>,
            describe:
              'the directory index.html (and the images) go into, created if missing (default: the folder of FILE)',
          })
          .option('format', {
            type: 'string',
            coerce: lastGiven<'svg' | 'png'>,
            choices: ['svg', 'png'] as const,
            describe: 'also write each chart as an image beside index.html',
          })
          .option('tolerance', {
            type: 'string',
            coerce: lastGiven<string>,
            default: '10%',
            describe: 'with --baseline, allowed worsening before a change is a regression',
          }),
      async (args) =>
        setExit(
          await commandReport(io, {
            file: args.file,
            baseline: args.baseline,
            out: args.out,
            format: args.format,
            tolerance: args.tolerance,
          }),
        ),
    )
    .command(
      'compare <baseline> <current>',
      'Compare two result.json files metric by metric; exit 1 on a regression beyond the tolerance',
      (y) =>
        y
          .positional('baseline', { type: 'string', demandOption: true })
          .positional('current', { type: 'string', demandOption: true })
          .option('tolerance', {
            type: 'string',
            coerce: lastGiven<string>,
            default: '10%',
            describe: 'allowed worsening, e.g. 10%',
          })
          .option('json', {
            type: 'boolean',
            default: false,
            describe: 'print the comparison as JSON (every metric: baseline, current, change, verdict)',
          })
          .option('only', {
            type: 'string',
            coerce: lastGiven<'changed' | 'regressed'>,
            choices: ['changed', 'regressed'] as const,
            describe: 'print only the metrics that changed, or only the regressions',
          }),
      (args) =>
        setExit(
          commandCompare(io, {
            baseline: args.baseline,
            current: args.current,
            tolerance: args.tolerance,
            json: args.json,
            only: args.only,
          }),
        ),
    )
    .command(
      'validate <file>',
      'Check a scenario file and report every problem',
      (y) =>
        y
          .positional('file', {
            type: 'string',
            demandOption: true,
            describe: 'scenario file (YAML or JSON)',
          })
          .option('print', {
            type: 'boolean',
            default: false,
            describe: 'print the scenario with every default filled in',
          })
          .option('json', {
            type: 'boolean',
            default: false,
            describe: 'print the verdict as JSON; with --print, the scenario as JSON instead of YAML',
          })
          .option('set', SET_OPTION)
          .option('allow-path', ALLOW_PATH_OPTION),
      (args) =>
        setExit(
          commandValidate(io, {
            file: args.file,
            print: args.print,
            json: args.json,
            set: args.set.map(String),
            allowPath: allowPaths(args['allow-path']),
          }),
        ),
    )
    .command(
      'schema',
      'Print the JSON Schema of scenario files (for editors)',
      (y) =>
        y.option('out', {
          type: 'string',
          coerce: lastGiven<string>,
          describe: 'write it as scenario.schema.json into this directory instead (created if missing)',
        }),
      (args) => setExit(commandSchema(io, { out: args.out })),
    )
    .command(
      'targets',
      'List where `run` can go: each target, the run metrics it measures, whether it runs a share (--worker), its options',
      (y) => y.option('json', { type: 'boolean', default: false, describe: 'print JSON' }),
      (args) => setExit(commandTargets(io, { json: args.json }, targets)),
    )
    .command(
      'facts [file]',
      'Print the AWS limits and prices shardcast uses, with their sources (titles, URLs, dates)',
      (y) =>
        y
          .positional('file', {
            type: 'string',
            describe: 'a scenario: only the limits and prices it relies on, with its price overrides',
          })
          .option('json', { type: 'boolean', default: false, describe: 'print JSON' }),
      (args) => setExit(commandFacts(io, { file: args.file, json: args.json })),
    )
    .demandCommand(1, 'name a command: plan, run, report, compare, validate, schema or facts')
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
    for (const w of error.warnings) io.stderr(`warning: ${formatProblem(w)}\n`);
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

export function formatProblems(headline: string, problems: readonly Problem[]): string {
  const lines = problems.map((p) => `  ${formatProblem(p).replace(/\n/g, '\n  ')}`);
  return `error: ${headline}\n${lines.join('\n')}\n`;
}
