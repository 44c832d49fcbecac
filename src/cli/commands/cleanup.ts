/**
 * `shardcast cleanup [--region R] [--profile P] [--endpoint URL] [--older-than 1h] [--yes]`: lists
 * the streams and delivery streams shardcast created and left (a `--keep` run, a run killed by a
 * second Ctrl-C), by their `shardcast/created-by` tag, and deletes them with `--yes`. Nothing
 * without the tag is ever touched (README, "Safety rails").
 */
import { ExitCode, ShardcastError } from '../../errors.js';
import { parseDuration } from '../../scenario/units.js';
import { checkAccess, createClients, destroyClients, whereText } from '../../targets/aws/clients.js';
import { deleteLeftovers, findLeftovers, leftoverText } from '../../targets/aws/leftovers.js';
import { awsOptionsSchema } from '../../targets/aws/options.js';
import { TAG_CREATED_BY } from '../../targets/aws/resource-rules.js';
import type { Io } from '../io.js';

export interface CleanupArgs {
  region?: string | undefined;
  profile?: string | undefined;
  endpoint?: string | undefined;
  /** As written: `1h`, `30m`, or a plain number of seconds. */
  olderThan?: string | undefined;
  yes: boolean;
}

function olderThanSeconds(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const seconds = /^\d+(\.\d+)?$/.test(text) ? Number(text) : parseDuration(text);
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) {
    throw new ShardcastError(
      'usage',
      `--older-than ${text} is not a duration`,
      ExitCode.invalidInput,
      'write it like 30m, 1h or 2d, or a plain number of seconds',
    );
  }
  return seconds;
}

/**
 * A terminal's means to ask (`Io.interactive`, `Io.prompt`: the run pipeline's, for `run`'s
 * confirmation against AWS); an Io without them cannot ask, and cleanup then only lists.
 */
interface Asking {
  interactive?: boolean;
  prompt?(question: string): Promise<string>;
}

/** `y` or `yes`, any case: anything else (an empty line, Ctrl-C at the prompt) is no. */
const YES = /^\s*y(?:es)?\s*$/i;

/** Whether the person at the terminal agrees to delete them; false when no one can be asked. */
async function confirmed(io: Io, count: number): Promise<boolean> {
  const asking = io as Io & Asking;
  if (asking.interactive !== true || asking.prompt === undefined) return false;
  return YES.test(await asking.prompt(`Delete ${count === 1 ? 'it' : `these ${count}`}? [y/N] `));
}

export async function commandCleanup(io: Io, args: CleanupArgs): Promise<number> {
  const parsed = awsOptionsSchema.safeParse({
    ...(args.region === undefined ? {} : { region: args.region }),
    ...(args.profile === undefined ? {} : { profile: args.profile }),
    ...(args.endpoint === undefined ? {} : { endpoint: args.endpoint }),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ShardcastError(
      'usage',
      `--${String(issue?.path[0] ?? 'endpoint')}: ${issue?.message ?? 'invalid'}`,
      ExitCode.invalidInput,
    );
  }
  const options = parsed.data;
  const minimumAge = olderThanSeconds(args.olderThan);
  const clients = createClients(options);
  try {
    const region = await checkAccess(clients, options);
    const where = whereText(options, region);
    const now = io.now();
    let search: Awaited<ReturnType<typeof findLeftovers>>;
    try {
      search = await findLeftovers(clients, now, minimumAge);
    } catch (error) {
      const why = error instanceof Error ? `${error.name}: ${error.message.split('\n')[0]}` : String(error);
      throw new ShardcastError(
        'target',
        `listing what shardcast left at ${where} failed (${why}); nothing was deleted`,
        ExitCode.targetFailed,
      );
    }
    const { found, tooYoung } = search;
    if (!search.firehose) io.stderr(`${where} does not serve Firehose: delivery streams not searched\n`);
    const age = args.olderThan === undefined ? '' : ` older than ${args.olderThan}`;
    if (tooYoung.length > 0)
      io.stderr(
        `left ${tooYoung.length} of shardcast's resources younger than ${args.olderThan} (or of unknown age)\n`,
      );
    if (found.length === 0) {
      io.stdout(
        `nothing to clean up at ${where}: no stream or delivery stream tagged ${TAG_CREATED_BY}${age}\n`,
      );
      return ExitCode.ok;
    }
    io.stdout(
      `${found.length === 1 ? 'one resource' : `${found.length} resources`} at ${where} tagged ${TAG_CREATED_BY}${age}:\n`,
    );
    for (const l of found) io.stdout(`  ${leftoverText(l, now)}\n`);
    if (!args.yes && !(await confirmed(io, found.length))) {
      io.stdout('nothing deleted: run again with --yes to delete them\n');
      return ExitCode.ok;
    }
    const { lines, failed } = await deleteLeftovers(clients, found);
    for (const line of lines) io.stdout(`${line}\n`);
    if (failed > 0) {
      io.stderr(`error: ${failed} of ${found.length} could not be deleted (above)\n`);
      return ExitCode.targetFailed;
    }
    return ExitCode.ok;
  } finally {
    destroyClients(clients);
  }
}
