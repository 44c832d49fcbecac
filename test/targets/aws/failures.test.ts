/**
 * A run that fails on the endpoint's side, through the command line with the real aws target:
 * one line and exit 3 after cleanup, never an internal error (exit 70) with a stack trace.
 */
import { ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { ExitCode } from '../../../src/errors.js';
import { createClients, destroyClients } from '../../../src/targets/aws/clients.js';
import { SignalIo } from '../../helpers/signal-io.js';
import { awsOptions, startServe } from './servers.js';

const YAML = `
name: failing
duration: 5s
stream: { shards: 1 }
producers: [{ name: p, rate: 10/s, recordSize: 100B }]
`;

describe('a run the endpoint fails', () => {
  it('ListShards refused every time: exit 3 in one line, the stream deleted (review)', async () => {
    const serve = await startServe(100, 'ListShards:error5xx=100%');
    const clients = createClients(awsOptions({ endpoint: serve.endpoint }));
    try {
      const io = new SignalIo({ files: { 'failing.yaml': YAML } });
      const code = await main(
        ['run', 'failing.yaml', '--target', 'aws', '--endpoint', serve.endpoint, '--out', 'out', '--quiet'],
        io,
      );
      expect(code).toBe(ExitCode.targetFailed);
      expect(io.err).not.toMatch(/internal error|This is a bug|\n\s+at /);
      expect(io.err).toMatch(/the run failed: \w+/);
      expect(io.err).toMatch(/deleted stream shardcast-failing-/);
      expect((await clients.kinesis.send(new ListStreamsCommand({}))).StreamNames ?? []).toEqual([]);
    } finally {
      destroyClients(clients);
      await serve.close();
    }
  }, 30_000);
});
