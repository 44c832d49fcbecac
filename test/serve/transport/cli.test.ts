/**
 * `shardcast serve` run in-process: it prints its endpoint, serves the services it is given until a
 * signal, then closes and exits 0; a bad flag exits 2 naming it, a port in use says so.
 */
import { createServer } from 'node:net';
import { KinesisClient, ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { run } from '../../helpers/fake-io.js';
import { SignalIo } from '../../helpers/signal-io.js';
import { CREDENTIALS, fixtureKinesis } from './fixtures.js';

/** Waits until the command printed its endpoint, and returns it. */
async function endpointOf(io: SignalIo): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const match = /on (http:\/\/127\.0\.0\.1:\d+) /.exec(io.out);
    if (match) return match[1]!;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`serve printed no endpoint: ${io.out}${io.err}`);
}

describe('shardcast serve', () => {
  it('serves the given services until SIGINT, then closes and exits 0', async () => {
    const io = new SignalIo();
    const exit = main(['serve', '--port', '0', '--seed', '9', '--time-scale', '60'], io, {
      createServices: () => [fixtureKinesis()],
    });
    const endpoint = await endpointOf(io);
    expect(io.out).toMatch(
      /^shardcast serve: Kinesis and Firehose on http:\/\/127\.0\.0\.1:\d+ \(limits aws, time scale 60, seed 9\)\n/,
    );
    const client = new KinesisClient({
      endpoint,
      region: 'us-east-1',
      credentials: CREDENTIALS,
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler(),
    });
    expect((await client.send(new ListStreamsCommand({}))).StreamNames).toEqual(['orders', 'clicks']);
    const metrics = await (await fetch(`${endpoint}/_shardcast/metrics`)).json();
    expect(metrics.transport.requests['Kinesis_20131202.ListStreams']).toEqual({ 200: 1 });
    io.send('SIGINT');
    expect(await exit).toBe(0);
    expect(io.listening).toBe(0);
    // Closed: the port no longer answers.
    await expect(fetch(`${endpoint}/_shardcast/metrics`)).rejects.toThrow();
    client.destroy();
  });

  it('answers an operation it does not know with UnknownOperationException, and prints its faults', async () => {
    const io = new SignalIo();
    const exit = main(['serve', '--port', '0', '--faults', 'latency=1ms'], io);
    const endpoint = await endpointOf(io);
    expect(io.out).toContain('faults: latency=1ms\n');
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'Kinesis_20131202.NoSuchOperation',
        authorization: 'x',
      },
      body: '{}',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ __type: 'UnknownOperationException' });
    io.send('SIGTERM');
    expect(await exit).toBe(0);
  });

  it.each([
    [['--port', 'abc'], '--port "abc" is not a port'],
    [['--port', '70000'], '--port "70000" is not a port'],
    [['--limits', 'strict'], '--limits "strict" is not aws or off'],
    [['--time-scale', '0'], '--time-scale "0" is not a time scale'],
    [['--seed', '-1'], '--seed "-1" is not a seed'],
    [['--data', 'no/such/dir'], '--data no/such/dir is not a directory'],
    [['--faults', 'throttle=5'], "--faults 'throttle=5': at column 10: throttle '5' is not a percentage"],
    [['--faults', 'throttle=5%,bogus=1%'], "at column 13: unknown fault 'bogus'"],
    // An operation the services do not have would inject nothing: refused, with the nearest name.
    [
      ['--faults', 'PutRecordz:reset=1%'],
      "--faults 'PutRecordz:reset=1%': at column 1: unknown operation 'PutRecordz': did you mean PutRecord?",
    ],
    [['--faults', 'throttle=5%,throttle=6%'], 'at column 13: throttle is given twice'],
    [['--frobnicate'], 'Unknown argument: frobnicate'],
  ])('%j exits 2: %s', async (args, message) => {
    const result = await run(['serve', ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toMatch(/internal error|\n\s+at /);
  });

  it('points at the column of a bad fault spec', async () => {
    const result = await run(['serve', '--faults', 'throttle=5%,bogus=1%']);
    // "throttle=5%," is 12 characters: bogus starts at column 13, under the caret's 12 spaces.
    expect(result.stderr).toContain('  throttle=5%,bogus=1%\n              ^\n');
  });

  it('a port in use exits 2 and says to pick another', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const result = await run(['serve', '--port', String(port)]);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(`error: port ${port} is in use: pick another with --port\n`);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it("an address that is not this machine's exits 2 and names --host", async () => {
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): never a local address, and binding sends nothing.
    const result = await run(['serve', '--host', '192.0.2.1', '--port', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^error: cannot listen on 192\.0\.2\.1:0 \(EADDRNOTAVAIL\)\nhint: check --host/,
    );
  });

  it('shows its flags in --help', async () => {
    const result = await run(['serve', '--help']);
    expect(result.code).toBe(0);
    for (const flag of ['--host', '--port', '--seed', '--faults', '--data', '--limits', '--time-scale']) {
      expect(result.stdout).toContain(flag);
    }
  });
});
