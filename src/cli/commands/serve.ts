/**
 * `shardcast serve`: a local Kinesis and Firehose endpoint that enforces the real limits (README,
 * "Testing your producer against shardcast serve"). Prints its endpoint and stays up until SIGINT
 * or SIGTERM, then closes every connection and exits 0.
 */

import type { ArgumentsCamelCase, Argv } from 'yargs';
import { ExitCode, ShardcastError } from '../../errors.js';
import { createClock } from '../../serve/clock.js';
import { FaultSpecError, parseFaults } from '../../serve/faults.js';
import type { CreateServices } from '../../serve/index.js';
import { ListenError, startServer } from '../../serve/server.js';
import { lastGiven, parseSeedArg } from '../args.js';
import { type Io, resolvePath } from '../io.js';

export interface ServeArgs {
  host: string;
  port: string;
  seed: string;
  faults: string | undefined;
  data: string | undefined;
  limits: string;
  timeScale: string;
}

const REGION = 'us-east-1';
const ACCOUNT_ID = '000000000000';

function usage(message: string, hint?: string): ShardcastError {
  return new ShardcastError('usage', message, ExitCode.invalidInput, hint);
}

function parsePort(text: string): number {
  const port = /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!(Number.isInteger(port) && port >= 0 && port <= 65_535)) {
    throw usage(
      `--port ${JSON.stringify(text)} is not a port`,
      'a port is a whole number from 0 to 65535 (0: any free port)',
    );
  }
  return port;
}

function parseTimeScale(text: string): number {
  const scale = /^\s*\d+(?:\.\d+)?\s*$|^\s*\.\d+\s*$/.test(text) ? Number(text) : Number.NaN;
  // Past a million, a 24-hour retention passes in under 0.1 s of real time: nothing to watch.
  if (!(scale > 0 && scale <= 1_000_000)) {
    throw usage(
      `--time-scale ${JSON.stringify(text)} is not a time scale`,
      'server time runs this many times faster than real time: a number above 0 and at most 1000000, e.g. --time-scale 60',
    );
  }
  return scale;
}

function parseLimits(text: string): 'aws' | 'off' {
  if (text === 'aws' || text === 'off') return text;
  throw usage(
    `--limits ${JSON.stringify(text)} is not aws or off`,
    'aws enforces the documented limits; off accepts everything, as other emulators do',
  );
}

/** Runs the server until a signal closes it; resolves with the exit code. */
export async function commandServe(io: Io, args: ServeArgs, createServices: CreateServices): Promise<number> {
  const port = parsePort(args.port);
  const seed = parseSeedArg(args.seed);
  const limits = parseLimits(args.limits);
  const timeScale = parseTimeScale(args.timeScale);
  const dataDir = args.data === undefined ? undefined : resolvePath(io, args.data);
  if (dataDir !== undefined && !io.isDirectory(dataDir)) {
    throw usage(
      `--data ${args.data} is not a directory`,
      'create it first: Firehose writes its objects under it',
    );
  }
  const clock = createClock(timeScale);
  const services = createServices({ clock, limits, dataDir, region: REGION, accountId: ACCOUNT_ID });
  // Faults name operations: checked against what the services answer (a typo would inject nothing).
  const operations = new Set(services.flatMap((service) => [...service.operations.keys()]));
  let faults: ReturnType<typeof parseFaults>;
  try {
    faults = parseFaults(args.faults ?? '', operations);
  } catch (error) {
    clock.close();
    await Promise.all(services.map((service) => service.close?.()));
    if (!(error instanceof FaultSpecError)) throw error;
    throw usage(
      `--faults '${error.spec}': at column ${error.position + 1}: ${error.reason}\n  ${error.spec}\n  ${' '.repeat(error.position)}^`,
      "write it like 'throttle=5%,error5xx=1%,reset=0.5%,latency=20ms±10ms', per operation 'PutRecords:reset=2%'",
    );
  }
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer({
      services,
      host: args.host,
      port,
      seed,
      faults,
      limits,
      clock,
      region: REGION,
      accountId: ACCOUNT_ID,
    });
  } catch (error) {
    clock.close();
    for (const service of services) await service.close?.();
    if (error instanceof ListenError) {
      if (error.code === 'EADDRINUSE') throw usage(`port ${port} is in use: pick another with --port`);
      throw usage(
        `cannot listen on ${error.host}:${port} (${error.code})`,
        'check --host (an address of this machine, 127.0.0.1 by default) and --port',
      );
    }
    throw error;
  }
  io.stdout(
    `shardcast serve: Kinesis and Firehose on ${server.endpoint} (limits ${limits}, time scale ${timeScale}, seed ${seed})\n`,
  );
  if (faults.spec !== '') io.stdout(`faults: ${faults.spec}\n`);
  io.stdout(`metrics: ${server.endpoint}/_shardcast/metrics; Ctrl-C stops it\n`);
  await new Promise<void>((resolve) => {
    const off = io.onSignal?.(() => {
      off?.();
      resolve();
    });
  });
  await server.close();
  io.stderr('shardcast serve: stopped\n');
  return ExitCode.ok;
}

/** The yargs definition of `serve` (main.ts chains it into the parser). */
export function serveCommand(io: Io, setExit: (code: number) => void, createServices: CreateServices) {
  const text = { type: 'string', coerce: lastGiven<string> } as const;
  return {
    command: 'serve',
    describe:
      'Serve a local Kinesis Data Streams and Firehose endpoint that enforces the real limits, with seeded fault injection and metrics at /_shardcast/metrics; Ctrl-C stops it',
    builder: (y: Argv) =>
      y
        .option('host', { ...text, default: '127.0.0.1', describe: 'the address to listen on' })
        .option('port', { ...text, default: '4567', describe: 'the port to listen on (0: any free port)' })
        .option('seed', { ...text, default: '1', describe: 'seeds the fault injection, 0 … 4294967295' })
        .option('faults', {
          ...text,
          describe:
            "faults to inject, e.g. 'throttle=5%,error5xx=1%,reset=0.5%,latency=20ms±10ms', per operation 'PutRecords:reset=2%' (changeable at PUT /_shardcast/faults)",
        })
        .option('data', { ...text, describe: 'the directory Firehose delivers its objects under' })
        .option('limits', {
          ...text,
          default: 'aws',
          describe: 'aws: enforce the documented limits; off: accept everything',
        })
        .option('time-scale', {
          ...text,
          default: '1',
          describe: 'server time runs this many times faster than real time (reshards, retention, buffers)',
        }),
    handler: async (args: ArgumentsCamelCase<Record<string, unknown>>) =>
      setExit(
        await commandServe(
          io,
          {
            host: String(args.host),
            port: String(args.port),
            seed: String(args.seed),
            faults: args.faults === undefined ? undefined : String(args.faults),
            data: args.data === undefined ? undefined : String(args.data),
            limits: String(args.limits),
            timeScale: String(args['time-scale']),
          },
          createServices,
        ),
      ),
  };
}
