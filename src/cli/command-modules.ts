/**
 * The yargs definitions of the commands: each command's arguments, options and help, and the call
 * to its `command*` function. main.ts chains them into the parser (`run` is still defined there,
 * while its target options are reworked).
 */
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import type { TargetRegistry } from '../targets/target.js';
import { ALLOW_PATH_OPTION, allowPaths } from './allow-path.js';
import { joinSteps, lastGiven } from './args.js';
import { commandCleanup } from './commands/cleanup.js';
import { commandCompare } from './commands/compare.js';
import { commandFacts } from './commands/facts.js';
import { commandFind, type FindDeps } from './commands/find.js';
import { commandPlan } from './commands/plan.js';
import { commandReport } from './commands/report.js';
import { commandSchema } from './commands/schema.js';
import { commandValidate } from './commands/validate.js';
import type { Io } from './io.js';

/** `--set PATH=VALUE` on every command that loads a scenario (plan, run, validate). */
export const SET_OPTION = {
  type: 'string',
  array: true,
  default: [] as string[],
  describe:
    'set a scenario field before it is validated, e.g. --set stream.shards=24 --set producers[0].rate=8k/s (repeatable; the value is read as YAML)',
} as const;

/** Records a command's exit code (main.ts returns it). */
type SetExit = (code: number) => void;

/** A command as yargs takes it, with the handler's arguments typed by what the builder declares. */
function command<U>(
  name: string,
  describe: string,
  builder: (y: Argv) => Argv<U>,
  handler: (args: ArgumentsCamelCase<U>) => void | Promise<void>,
): CommandModule<object, U> {
  return { command: name, describe, builder, handler };
}

export function planCommand(io: Io, setExit: SetExit) {
  return command(
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
  );
}

export function reportCommand(io: Io, setExit: SetExit) {
  return command(
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
  );
}

export function compareCommand(io: Io, setExit: SetExit) {
  return command(
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
  );
}

export function validateCommand(io: Io, setExit: SetExit, targets?: TargetRegistry) {
  return command(
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
        commandValidate(
          io,
          {
            file: args.file,
            print: args.print,
            json: args.json,
            set: args.set.map(String),
            allowPath: allowPaths(args['allow-path']),
          },
          targets,
        ),
      ),
  );
}
export function schemaCommand(io: Io, setExit: SetExit) {
  return command(
    'schema',
    'Print the JSON Schema of scenario files (for editors)',
    (y) =>
      y.option('out', {
        type: 'string',
        coerce: lastGiven<string>,
        describe: 'write it as scenario.schema.json into this directory instead (created if missing)',
      }),
    (args) => setExit(commandSchema(io, { out: args.out })),
  );
}

export function factsCommand(io: Io, setExit: SetExit) {
  return command(
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
  );
}

export function cleanupCommand(io: Io, setExit: SetExit) {
  return command(
    'cleanup',
    'List the streams and delivery streams shardcast created and left (tagged shardcast/created-by), and delete them with --yes; nothing else is touched',
    (y) =>
      y
        .option('region', {
          type: 'string',
          coerce: lastGiven<string>,
          describe: 'AWS region (default: AWS_REGION or the profile)',
        })
        .option('profile', {
          type: 'string',
          coerce: lastGiven<string>,
          describe: 'named AWS profile for credentials',
        })
        .option('endpoint', {
          type: 'string',
          coerce: lastGiven<string>,
          describe: 'Kinesis/Firehose endpoint URL (shardcast serve, kinesalite); default: AWS',
        })
        .option('older-than', {
          type: 'string',
          coerce: lastGiven<string>,
          describe:
            'only resources created at least this long ago, e.g. 1h (by their shardcast/created-at tag)',
        })
        .option('yes', {
          type: 'boolean',
          default: false,
          describe: 'delete what is listed (without it, only list)',
        }),
    async (args) =>
      setExit(
        await commandCleanup(io, {
          region: args.region,
          profile: args.profile,
          endpoint: args.endpoint,
          olderThan: args['older-than'],
          yes: args.yes,
        }),
      ),
  );
}

export function findCommand(io: Io, setExit: SetExit, deps: FindDeps = {}) {
  return command(
    'find <file>',
    'Search model runs for a capacity answer: the most load or rate every gate passes at (--maximize), the fewest shards or the cheapest listed option that passes (--minimize); exit 1 when no value passes',
    (y) =>
      y
        .positional('file', { type: 'string', demandOption: true, describe: 'scenario file (YAML or JSON)' })
        .option('maximize', {
          type: 'string',
          coerce: lastGiven<string>,
          describe: 'load (every producer’s rate × a factor) or producers[N].rate (one constant rate)',
        })
        .option('minimize', {
          type: 'string',
          coerce: lastGiven<string>,
          describe:
            'shards (the fewest that pass), or a metric such as cost.monthly.total over --vary options',
        })
        .option('subject-to', {
          type: 'string',
          array: true,
          default: [] as string[],
          describe: 'a gate every answer must pass, e.g. "putLatency.p99 < 250ms" (repeatable; as --gate)',
        })
        .option('gate', {
          type: 'string',
          array: true,
          default: [] as string[],
          describe: 'a gate, as --subject-to (the scenario’s gates apply too)',
        })
        .option('set', SET_OPTION)
        .option('vary', {
          type: 'string',
          array: true,
          default: [] as string[],
          describe: 'with --minimize METRIC, the options: PATH=A,B,C (repeatable; every combination runs)',
        })
        .option('resolution', {
          type: 'string',
          coerce: lastGiven<string>,
          default: '1%',
          describe: '--maximize stops when (high − low) ÷ low is within it: 1%, 0.5% or 0.005',
        })
        .option('duration', {
          type: 'string',
          coerce: lastGiven<string>,
          describe: "how long each run lasts, e.g. 10m (default: the scenario's)",
        })
        .option('seed', {
          type: 'string',
          coerce: lastGiven<string>,
          describe: "the first seed (default: the scenario's)",
        })
        .option('seeds', {
          type: 'string',
          coerce: lastGiven<string>,
          default: '1',
          describe: 'run each point with N seeds (seed, seed + 1, …)',
        })
        .option('pass-share', {
          type: 'string',
          coerce: lastGiven<string>,
          default: '100%',
          describe: 'the share of a point’s seeds that must pass every gate: 100%, 0.8 or 2/3',
        })
        .option('parallel', {
          type: 'string',
          coerce: lastGiven<string>,
          describe: 'worker threads (default: the number of cores)',
        })
        .option('out', {
          type: 'string',
          coerce: lastGiven<string>,
          describe:
            'the directory find.json goes into, created if missing (default: reports/<scenario>/find-<time>)',
        })
        .option('json', {
          type: 'boolean',
          default: false,
          describe: 'print { value, bracket, binding, … } as JSON (value in base units)',
        })
        .option('allow-path', ALLOW_PATH_OPTION),
    async (args) =>
      setExit(
        await commandFind(
          io,
          {
            file: args.file,
            maximize: args.maximize,
            minimize: args.minimize,
            subjectTo: args['subject-to'].map(String),
            gate: args.gate.map(String),
            set: args.set.map(String),
            vary: joinSteps(args.vary.map(String)),
            resolution: args.resolution,
            duration: args.duration,
            seed: args.seed,
            seeds: args.seeds,
            passShare: args['pass-share'],
            parallel: args.parallel,
            out: args.out,
            json: args.json,
            allowPath: allowPaths(args['allow-path']),
          },
          deps,
        ),
      ),
  );
}
