/**
 * Fault injection: the spec's grammar and its errors (with the column), the seeded draws (the same
 * seed gives the same faults; counts within binomial bounds), what each fault looks like to the real
 * SDK, and changing the faults while the server runs (PUT /_shardcast/faults).
 */
import { FirehoseClient, PutRecordBatchCommand, ServiceUnavailableException } from '@aws-sdk/client-firehose';
import {
  KinesisClient,
  LimitExceededException,
  ListStreamsCommand,
  ProvisionedThroughputExceededException,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterEach, describe, expect, it } from 'vitest';
import { FaultInjector, parseFaults } from '../../../src/serve/faults.js';
import { type RunningServer, startServer } from '../../../src/serve/server.js';
import { Rng } from '../../../src/workload/random.js';
import { CREDENTIALS, fixtureFirehose, fixtureKinesis } from './fixtures.js';

describe('parseFaults', () => {
  it('reads every kind, globally and per operation', () => {
    const plan = parseFaults('throttle=5%,error5xx=1%,reset=0.5%,latency=20ms±10ms,PutRecords:reset=2%');
    expect(plan.all).toEqual({ throttle: 0.05, error5xx: 0.01, reset: 0.005, latencyMs: 20, jitterMs: 10 });
    expect(plan.byOperation.get('PutRecords')).toEqual({ reset: 0.02 });
    expect(parseFaults('latency=1s+-250ms').all).toEqual({ latencyMs: 1000, jitterMs: 250 });
    expect(parseFaults('').byOperation.size).toBe(0);
  });

  it.each([
    // "throttle=" is 9 characters: the value starts at column 10.
    ['throttle=5', 10, "throttle '5' is not a percentage"],
    ['throttle=5%,bogus=1%', 13, "unknown fault 'bogus'"],
    ['throttle=5%,,reset=1%', 13, 'an empty entry'],
    ['reset', 1, "'reset' has no '='"],
    ['throttle=101%', 10, 'not a percentage from 0% to 100%'],
    ['latency=10ms±20ms', 9, 'jitter at most the mean'],
    ['putRecords:reset=1%', 1, "'putRecords' is not an operation name"],
    ['PutRecords:slow=1%', 12, "unknown fault 'slow'"],
    ['throttle=60%,reset=50%', 1, 'add up to 110.0%'],
  ])('%s: column %i, %s', (spec, column, reason) => {
    expect(() => parseFaults(spec)).toThrow(`fault spec '${spec}': at column ${column}: `);
    expect(() => parseFaults(spec)).toThrow(reason);
  });
});

describe('FaultInjector', () => {
  it('throttle=50% over 1,000 calls: the seeded count, within the binomial bounds', () => {
    const injector = new FaultInjector(7, parseFaults('throttle=50%'));
    const kinds = Array.from({ length: 1000 }, () => injector.decide('PutRecords').kind);
    const throttled = kinds.filter((k) => k === 'throttle').length;
    // One uniform per call (no latency, no other kind): the count is how many of Rng(7)'s first
    // 1,000 uniforms are below 0.5.
    const rng = new Rng(7);
    const expected = Array.from({ length: 1000 }, () => rng.uniform()).filter((u) => u < 0.5).length;
    expect(throttled).toBe(expected);
    expect(injector.counts.throttle).toBe(throttled);
    // Binomial(1000, 0.5): mean 500, sd √(1000 × 0.5 × 0.5) = √250 = 15.8; 4 sd = 63 → [437, 563].
    expect(throttled).toBeGreaterThanOrEqual(437);
    expect(throttled).toBeLessThanOrEqual(563);
    expect(kinds.every((k) => k === 'throttle' || k === 'none')).toBe(true);
  });

  it('the same seed draws the same faults; another seed, others', () => {
    const draw = (seed: number) => {
      const injector = new FaultInjector(
        seed,
        parseFaults('throttle=10%,error5xx=10%,reset=10%,latency=20ms±10ms'),
      );
      return Array.from({ length: 200 }, () => injector.decide('PutRecords'));
    };
    expect(draw(3)).toEqual(draw(3));
    expect(draw(3)).not.toEqual(draw(4));
  });

  it('error5xx splits evenly between 500 and 503; latency stays within mean ± jitter', () => {
    const injector = new FaultInjector(11, parseFaults('error5xx=100%,latency=20ms±10ms'));
    const decisions = Array.from({ length: 1000 }, () => injector.decide('ListStreams'));
    const five00 = decisions.filter((d) => d.kind === 'error500').length;
    expect(five00 + decisions.filter((d) => d.kind === 'error503').length).toBe(1000);
    // Binomial(1000, 0.5) again: [437, 563].
    expect(five00).toBeGreaterThanOrEqual(437);
    expect(five00).toBeLessThanOrEqual(563);
    const delays = decisions.map((d) => d.delayMs);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...delays)).toBeLessThan(30);
    // Uniform on [10, 30): mean 20, sd 20/√12 = 5.77; the mean of 1,000 is within 4 × 5.77/√1000 = 0.73.
    expect(Math.abs(delays.reduce((a, b) => a + b, 0) / 1000 - 20)).toBeLessThan(0.73);
  });

  it("an operation's own rate replaces the global one for that kind only", () => {
    const injector = new FaultInjector(
      1,
      parseFaults('throttle=100%,PutRecords:throttle=0%,PutRecords:reset=100%'),
    );
    expect(injector.decide('ListStreams').kind).toBe('throttle');
    expect(injector.decide('PutRecords').kind).toBe('reset');
  });
});

describe('faults through the server, as the SDK sees them', () => {
  let server: RunningServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  function kinesisClient(endpoint: string): KinesisClient {
    return new KinesisClient({
      endpoint,
      region: 'us-east-1',
      credentials: CREDENTIALS,
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler(),
    });
  }
  const put = new PutRecordsCommand({
    StreamName: 's',
    Records: [{ Data: new Uint8Array([1]), PartitionKey: 'k' }],
  });

  it('throttle=50% over 200 sequential PutRecords: exactly the seeded count, as ProvisionedThroughputExceededException', async () => {
    server = await startServer({ services: [fixtureKinesis()], port: 0, seed: 7, faults: 'throttle=50%' });
    const client = kinesisClient(server.endpoint);
    let throttled = 0;
    for (let i = 0; i < 200; i++) {
      const error = await client.send(put).then(
        () => undefined,
        (e) => e,
      );
      if (error !== undefined) {
        expect(error).toBeInstanceOf(ProvisionedThroughputExceededException);
        expect(error.$metadata.httpStatusCode).toBe(400);
        throttled += 1;
      }
    }
    const rng = new Rng(7);
    const expected = Array.from({ length: 200 }, () => rng.uniform()).filter((u) => u < 0.5).length;
    expect(throttled).toBe(expected);
    // Binomial(200, 0.5): mean 100, sd √50 = 7.07; 4 sd → [72, 128].
    expect(throttled).toBeGreaterThanOrEqual(72);
    expect(throttled).toBeLessThanOrEqual(128);
    const metrics = await (await fetch(`${server.endpoint}/_shardcast/metrics`)).json();
    expect(metrics.transport.faults.throttle).toBe(throttled);
    expect(metrics.transport.requests['Kinesis_20131202.PutRecords']).toEqual({
      200: 200 - throttled,
      400: throttled,
    });
    expect(metrics.transport.errors.ProvisionedThroughputExceededException).toBe(throttled);
    expect(metrics.services.Kinesis_20131202).toEqual({ calls: 200 - throttled });
    client.destroy();
  });

  it('control-plane calls throttle with LimitExceededException, Firehose puts with 503 ServiceUnavailableException', async () => {
    server = await startServer({
      services: [fixtureKinesis(), fixtureFirehose()],
      port: 0,
      faults: 'throttle=100%',
    });
    const client = kinesisClient(server.endpoint);
    const error = await client.send(new ListStreamsCommand({})).catch((e) => e);
    expect(error).toBeInstanceOf(LimitExceededException);
    const firehose = new FirehoseClient({
      endpoint: server.endpoint,
      region: 'us-east-1',
      credentials: CREDENTIALS,
      maxAttempts: 1,
    });
    const fhError = await firehose
      .send(new PutRecordBatchCommand({ DeliveryStreamName: 'd', Records: [{ Data: new Uint8Array([1]) }] }))
      .catch((e) => e);
    expect(fhError).toBeInstanceOf(ServiceUnavailableException);
    expect(fhError.$metadata.httpStatusCode).toBe(503);
    client.destroy();
    firehose.destroy();
  });

  it('error5xx=100%: 500 InternalFailure and 503 ServiceUnavailable, both retried by the SDK', async () => {
    server = await startServer({ services: [fixtureKinesis()], port: 0, seed: 2, faults: 'error5xx=100%' });
    const client = kinesisClient(server.endpoint);
    const statuses = new Set<number>();
    for (let i = 0; i < 20; i++) {
      const error = await client.send(new ListStreamsCommand({})).catch((e) => e);
      expect(['InternalFailure', 'ServiceUnavailable']).toContain(error.name);
      statuses.add(error.$metadata.httpStatusCode);
    }
    // Both appear in 20 even-odds draws but with probability 2 × 2^−20.
    expect([...statuses].sort()).toEqual([500, 503]);
    const retried = new KinesisClient({
      endpoint: server.endpoint,
      region: 'us-east-1',
      credentials: CREDENTIALS,
      maxAttempts: 3,
      requestHandler: new NodeHttpHandler(),
    });
    const error = await retried.send(new ListStreamsCommand({})).catch((e) => e);
    expect(error.$metadata.attempts).toBe(3);
    client.destroy();
    retried.destroy();
  });

  it('PutRecords:reset=100% drops PutRecords mid-request, other operations are answered', async () => {
    server = await startServer({ services: [fixtureKinesis()], port: 0, faults: 'PutRecords:reset=100%' });
    const client = kinesisClient(server.endpoint);
    const error = await client.send(put).catch((e) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error.$metadata?.httpStatusCode).toBeUndefined();
    expect(String(error.code ?? error.message)).toMatch(/ECONNRESET|socket hang up/);
    expect((await client.send(new ListStreamsCommand({}))).StreamNames).toHaveLength(2);
    client.destroy();
  });

  it('over HTTP/2, reset resets the stream: the SDK sees a failed request, and the session carries on', async () => {
    server = await startServer({ services: [fixtureKinesis()], port: 0, faults: 'PutRecords:reset=100%' });
    const client = new KinesisClient({
      endpoint: server.endpoint,
      region: 'us-east-1',
      credentials: CREDENTIALS,
      maxAttempts: 1,
    });
    const error = await client.send(put).catch((e) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error.$metadata?.httpStatusCode).toBeUndefined();
    expect((await client.send(new ListStreamsCommand({}))).StreamNames).toHaveLength(2);
    const metrics = await (await fetch(`${server.endpoint}/_shardcast/metrics`)).json();
    expect(metrics.transport.faults.reset).toBe(1);
    expect(metrics.transport.requests['Kinesis_20131202.PutRecords']).toEqual({ 0: 1 });
    client.destroy();
  });

  it('latency=150ms delays the answer by 150 ms', async () => {
    server = await startServer({ services: [fixtureKinesis()], port: 0, faults: 'latency=150ms' });
    const client = kinesisClient(server.endpoint);
    const started = performance.now();
    await client.send(new ListStreamsCommand({}));
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
    client.destroy();
  });

  it('PUT /_shardcast/faults replaces the faults while running; an empty body clears them; a bad spec is 400', async () => {
    server = await startServer({ services: [fixtureKinesis()], port: 0, seed: 5 });
    const client = kinesisClient(server.endpoint);
    const faultsUrl = `${server.endpoint}/_shardcast/faults`;
    expect(await (await fetch(faultsUrl)).json()).toEqual({ spec: '', seed: 5 });
    const storm = await fetch(faultsUrl, { method: 'PUT', body: 'throttle=100%' });
    expect(storm.status).toBe(200);
    expect(await client.send(put).catch((e) => e)).toBeInstanceOf(ProvisionedThroughputExceededException);
    expect(await (await fetch(faultsUrl)).json()).toEqual({ spec: 'throttle=100%', seed: 5 });
    const bad = await fetch(faultsUrl, { method: 'PUT', body: JSON.stringify({ spec: 'throttle=lots' }) });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      message:
        "fault spec 'throttle=lots': at column 10: throttle 'lots' is not a percentage from 0% to 100%, such as 5% or 0.5%",
      position: 10,
    });
    // The bad spec changed nothing: still a storm, until it is cleared.
    expect(await client.send(put).catch((e) => e)).toBeInstanceOf(ProvisionedThroughputExceededException);
    expect((await fetch(faultsUrl, { method: 'PUT', body: '' })).status).toBe(200);
    expect((await client.send(put)).FailedRecordCount).toBe(0);
    expect((await fetch(`${server.endpoint}/_shardcast/nothing`)).status).toBe(404);
    expect((await fetch(`${server.endpoint}/_shardcast/metrics`, { method: 'POST' })).status).toBe(405);
    client.destroy();
  });
});
