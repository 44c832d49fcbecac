/**
 * The request rate the http target sustains: `npm run bench`, or after `npm run build`,
 * `node --import tsx bench/http-target.bench.ts [seconds]`.
 *
 * A local server that answers every request at once (200, `{}`) runs in its own process, so
 * neither side shares its thread with it. Then, for SECONDS each, against that server with the
 * same CONNECTIONS keep-alive connections:
 * - plain autocannon, one fixed body (a json-format record of 64 bytes, as the target sends),
 *   back to back: the rate the server gives a client that does nothing else;
 * - the http target's driver (src/targets/http/driver.ts) with one producer scheduled at
 *   200,000 records/s, one record a request (far above what one process reaches: it is always
 *   behind, every slot busy), building each body from the workload with its record header,
 *   counting statuses and recording each record's latency in the HDR histogram, stopped by its
 *   abort signal after SECONDS.
 * Three rounds of each, alternated; the best of each side is compared. Prints both rates and the
 * ratio (the issue asks at least 80%), and each side's CPU per request, here and in the server.
 *
 * Both sides make the same requests on the same connections, so the server's CPU per request is
 * the same for both; what the http target costs is its CPU per request here beyond autocannon's
 * (building each body from the workload: key, record header, time; counting each answer and
 * recording each record's latency), printed last. On a machine with as many cores as processes,
 * the rate follows the slower of client and server; on a loaded one (2 cores shared), the rates
 * move with the load from round to round, the CPU per request much less: compare that.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import autocannon from 'autocannon';
import { loadScenarioText } from '../dist/load.js';
import { RunRecorder } from '../dist/result/recorder.js';
import { RunClock } from '../dist/targets/clock.js';
import { HttpDriver } from '../dist/targets/http/driver.js';
import { WHOLE_RUN } from '../dist/targets/target.js';

const SECONDS = Number(process.argv[2] ?? 10);
const CONNECTIONS = 16;
const ROUNDS = 3;
const RECORD_BYTES = 64;

const SERVER = `
const http = require('node:http');
const server = http.createServer({ keepAliveTimeout: 60000 }, (req, res) => {
  req.resume();
  req.on('end', () => { res.writeHead(200, { 'Content-Type': 'application/json' }); res.end('{}'); });
});
server.listen(0, '127.0.0.1', () => process.stdout.write('port ' + server.address().port + '\\n'));
`;

/** The instant server as a child process; resolves with its URL. */
async function startServer(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /port (\d+)/.exec(out);
      if (match) resolve(`http://127.0.0.1:${match[1]}/ingest`);
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
  return { url, child };
}

/** Requests/s plain autocannon gets with a fixed body. */
async function baselineRate(url: string): Promise<number> {
  const body = JSON.stringify({
    key: 'b3f1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
    data: Buffer.alloc(RECORD_BYTES).toString('base64'),
    producer: 'flood',
    sequence: 123456,
    time: new Date().toISOString(),
  });
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body,
    duration: SECONDS,
  });
  return result.requests.total / SECONDS;
}

/** Requests/s the http target's driver had answered after SECONDS of a schedule it cannot keep up with. */
async function shardcastRate(url: string): Promise<number> {
  const scenario = loadScenarioText(
    `
name: bench
seed: 1
duration: ${SECONDS}s
stream: { shards: 1 }
producers:
  - name: flood
    rate: 200000/s
    recordSize: ${RECORD_BYTES}B
    keys: { dist: unique, length: 36 }
    batching: { maxRecords: 1 }
`,
    'bench.yaml',
  ).scenario;
  const clock = new RunClock(SECONDS);
  const recorder = new RunRecorder({ seconds: SECONDS, consumers: [], firehoses: [] });
  let answered = 0;
  const stop = new AbortController();
  const driver = new HttpDriver({
    url,
    method: 'POST',
    headers: [],
    connections: CONNECTIONS,
    pipelining: 1,
    timeoutSeconds: 10,
    format: 'json',
    scenario,
    seed: 1,
    durationSeconds: SECONDS,
    share: WHOLE_RUN,
    clock,
    body: { runTag: 1, worker: 0, streamName: 'bench', producerNames: ['flood'] },
    sink: {
      countWrites: (second, counts) => recorder.countWrites(second, counts),
      countPutRequests: (n) => recorder.countPutRequests(n),
      acknowledged: (_record, latencySeconds) => {
        answered += 1;
        recorder.recordPutLatency(latencySeconds);
      },
    },
    signal: stop.signal,
  });
  const timer = setTimeout(() => stop.abort(), SECONDS * 1000);
  await driver.run();
  clearTimeout(timer);
  return answered / SECONDS;
}

/** CPU seconds (user + system) process `pid` has used so far, from /proc (Linux); 0 elsewhere. */
function cpuSecondsOf(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // Fields 14 and 15 of stat (utime, stime), in clock ticks of 1/100 s (USER_HZ on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** Runs `measure`, returning its rate and the CPU µs per request of this process and of the server. */
async function measured(
  pid: number | undefined,
  measure: () => Promise<number>,
): Promise<{ rate: number; clientUs: number; serverUs: number }> {
  const server = cpuSecondsOf(pid);
  const client = process.cpuUsage();
  const rate = await measure();
  const used = process.cpuUsage(client);
  const requests = rate * SECONDS;
  return {
    rate,
    clientUs: (used.user + used.system) / requests,
    serverUs: ((cpuSecondsOf(pid) - server) * 1e6) / requests,
  };
}

const { url, child } = await startServer();
try {
  let baseline = 0;
  let ours = 0;
  const clientUs = { baseline: Number.POSITIVE_INFINITY, ours: Number.POSITIVE_INFINITY };
  for (let round = 1; round <= ROUNDS; round++) {
    const b = await measured(child.pid, () => baselineRate(url));
    const s = await measured(child.pid, () => shardcastRate(url));
    const line = (m: typeof b) =>
      `${Math.round(m.rate)} requests/s (CPU per request: ${m.clientUs.toFixed(0)} µs here, ${m.serverUs.toFixed(0)} µs in the server)`;
    console.log(`round ${round}: autocannon ${line(b)}; shardcast http target ${line(s)}`);
    baseline = Math.max(baseline, b.rate);
    ours = Math.max(ours, s.rate);
    clientUs.baseline = Math.min(clientUs.baseline, b.clientUs);
    clientUs.ours = Math.min(clientUs.ours, s.clientUs);
  }
  const ratio = ours / baseline;
  console.log(
    `http target: ${Math.round(ours)} requests/s vs plain autocannon ${Math.round(baseline)} requests/s with a fixed body ` +
      `(${CONNECTIONS} connections, ${SECONDS} s, best of ${ROUNDS}; ${availableParallelism()} cores, load ${loadavg()[0]!.toFixed(1)}): ` +
      `${(ratio * 100).toFixed(0)}% (at least 80% asked)`,
  );
  console.log(
    `client CPU per request, least of ${ROUNDS} rounds: ${clientUs.ours.toFixed(1)} µs for the http target ` +
      `(bodies built from the workload, each answer counted, each record's latency recorded) against ` +
      `${clientUs.baseline.toFixed(1)} µs for plain autocannon (one fixed body): ` +
      `${(clientUs.ours - clientUs.baseline).toFixed(1)} µs of the target's own per request`,
  );
} finally {
  child.kill();
}
