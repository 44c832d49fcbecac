/**
 * Target options on the command line. Each target declares its flags beside its options schema
 * (`Target.flags`); `run` offers every registered target's flags, grouped by target in `run
 * --help`, and hands the chosen target the values given, keyed by its option names, for its
 * schema to check. A flag of another target is an input error naming both targets, never ignored:
 * `--region` given to the model would otherwise run somewhere the user did not mean.
 */
import type { Argv } from 'yargs';
import { ExitCode, ShardcastError, type SourceLocation } from '../errors.js';
import type { Target, TargetFlag, TargetRegistry } from '../targets/target.js';
import { lastGiven } from './args.js';

/** Each flag name with the targets that declare it (two targets may share one: `--endpoint`). */
export function targetFlags(targets: TargetRegistry): Map<string, { flag: TargetFlag; targets: string[] }> {
  const flags = new Map<string, { flag: TargetFlag; targets: string[] }>();
  for (const target of targets.values()) {
    for (const flag of target.flags ?? []) {
      const known = flags.get(flag.name);
      if (known === undefined) flags.set(flag.name, { flag, targets: [target.name] });
      else if (known.flag.type !== flag.type) {
        // Code, not input: one flag read two ways would depend on which target yargs asked first.
        throw new Error(
          `--${flag.name} is a ${known.flag.type} flag of ${known.targets[0]} and a ${flag.type} flag of ${target.name}`,
        );
      } else known.targets.push(target.name);
    }
  }
  return flags;
}

/** Adds every target's flags to `run`'s options, grouped by target for `run --help`. */
export function withTargetFlags<T>(
  y: Argv<T>,
  targets: TargetRegistry,
  reserved: readonly string[],
): Argv<T> {
  let argv = y;
  for (const [name, { flag, targets: owners }] of targetFlags(targets)) {
    if (reserved.includes(name))
      throw new Error(`--${name} of the ${owners.join(', ')} target is already an option of run`);
    const group = `${owners.join(' and ')} target options:`;
    if (flag.type === 'boolean')
      argv = argv.option(name, { type: 'boolean', group, describe: flag.description });
    else if (flag.type === 'strings')
      argv = argv.option(name, {
        type: 'string',
        array: true,
        group,
        describe: `${flag.description} (repeatable)`,
      });
    else
      argv = argv.option(name, {
        type: 'string',
        coerce: lastGiven<string>,
        group,
        describe: flag.description,
      });
  }
  return argv;
}

/** The target flags given on the command line, by flag name (yargs' parsed arguments). */
export function givenTargetFlags(
  args: Readonly<Record<string, unknown>>,
  targets: TargetRegistry,
): Record<string, unknown> {
  const given: Record<string, unknown> = {};
  for (const name of targetFlags(targets).keys()) {
    const value = args[name];
    if (value !== undefined) given[name] = Array.isArray(value) ? value.map(String) : value;
  }
  return given;
}

/** `the aws target`, `the aws and http targets`. */
function theTargets(names: readonly string[]): string {
  if (names.length === 1) return `the ${names[0]} target`;
  return `the ${names.slice(0, -1).join(', ')} and ${names.at(-1)} targets`;
}

/**
 * The chosen target's options from the flags given, keyed by its option names, and where each
 * option was given (its flag) for the problems its schema finds.
 * @throws ShardcastError (exit 2) for a flag the chosen target does not have.
 */
export function targetOptionsFromFlags(
  target: Target<unknown>,
  given: Readonly<Record<string, unknown>>,
  targets: TargetRegistry,
): { options: Record<string, unknown>; locate: (optionPath: string) => SourceLocation } {
  const own = new Map((target.flags ?? []).map((f) => [f.name, f]));
  const all = targetFlags(targets);
  const options: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(given)) {
    const flag = own.get(name);
    if (flag === undefined) {
      throw new ShardcastError(
        'usage',
        `--${name} is an option of ${theTargets(all.get(name)?.targets ?? [])}, not of the ${target.name} target`,
        ExitCode.invalidInput,
        `drop --${name}, or run with --target ${all.get(name)?.targets[0] ?? ''}; \`shardcast run --help\` lists each target's options`,
      );
    }
    options[flag.option] = value;
  }
  const flagOf = new Map((target.flags ?? []).map((f) => [f.option, f.name]));
  const locate = (optionPath: string): SourceLocation => {
    const flag = flagOf.get(optionPath.split('.')[0] ?? '');
    const where = flag === undefined ? `${target.name} target option ${optionPath}` : `--${flag}`;
    return { file: where, path: where };
  };
  return { options, locate };
}
