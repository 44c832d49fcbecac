/**
 * The transport's answers on the wire, byte for byte where AWS is particular: the request id
 * headers, the error bodies and statuses for malformed requests (as kinesalite, which copies AWS,
 * answers them), CBOR bodies as the Java SDK and the KCL send them, and the body size bound.
 */
import { connect } from 'node:net';
import { decode as decodeCbor, encode as encodeCbor } from 'cborg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_BODY_BYTES, type RunningServer, startServer } from '../../../src/serve/server.js';
import { ARRIVAL_MS, type FixtureKinesis, fixtureKinesis } from './fixtures.js';
import { awsHeaders, raw } from './raw.js';

let server: RunningServer;
let kinesis: FixtureKinesis;
beforeAll(async () => {
  kinesis = fixtureKinesis();
  server = await startServer({ services: [kinesis], port: 0, maxBodyBytes: 4096 });
});
afterAll(() => server.close());

const LIST = 'Kinesis_20131202.ListStreams';

function json(body: Buffer): unknown {
  return JSON.parse(body.toString());
}

describe('answers', () => {
  it('carry x-amzn-RequestId (a UUID) and x-amz-id-2, success and error alike', async () => {
    for (const target of [LIST, 'Kinesis_20131202.Nope']) {
      const answer = await raw(server.endpoint, { headers: awsHeaders(target), body: '{}' });
      expect(answer.headers['x-amzn-requestid']).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
      );
      // 54 random bytes are 72 base64 characters, the length AWS's x-amz-id-2 has.
      expect(answer.headers['x-amz-id-2']).toMatch(/^[A-Za-z0-9+/]{72}$/);
      expect(answer.headers['content-type']).toBe('application/x-amz-json-1.1');
    }
  });
});

describe('malformed requests get AWS own errors', () => {
  it.each([
    ['a body that is not JSON', LIST, '{"StreamName":', 400, { __type: 'SerializationException' }],
    ['a JSON array', LIST, '[1]', 400, { __type: 'SerializationException' }],
    ['a JSON string', LIST, '"x"', 400, { __type: 'SerializationException' }],
    ['an unknown operation', 'Kinesis_20131202.Nope', '{}', 400, { __type: 'UnknownOperationException' }],
    [
      'an unknown service',
      'DynamoDB_20120810.ListTables',
      '{}',
      400,
      { __type: 'UnknownOperationException' },
    ],
    ['a target without an operation', 'Kinesis_20131202', '{}', 400, { __type: 'UnknownOperationException' }],
    ['an empty body to a known operation', LIST, '', 400, { __type: 'SerializationException' }],
    // Nesting is bounded (32 levels) before anything walks the input: 200,000 levels overflowed a stack and answered 500.
    [
      'a body nested 1,000 deep',
      LIST,
      `{"a":${'['.repeat(1_000)}${']'.repeat(1_000)}}`,
      400,
      { __type: 'SerializationException', message: 'The request nests deeper than 32 levels.' },
    ],
    [
      'an empty body to an unknown one',
      'Kinesis_20131202.Nope',
      '',
      400,
      { __type: 'UnknownOperationException' },
    ],
  ])('%s: %i %j', async (_name, target, body, status, expected) => {
    const answer = await raw(server.endpoint, { headers: awsHeaders(target), body });
    expect(answer.status).toBe(status);
    expect(json(answer.body)).toMatchObject(expected);
  });

  it('a content type AWS does not speak: 404 <UnknownOperationException/> (403 AccessDenied without a target)', async () => {
    const wrong = await raw(server.endpoint, { headers: awsHeaders(LIST, 'text/plain'), body: '{}' });
    expect(wrong.status).toBe(404);
    expect(wrong.body.toString()).toBe('<UnknownOperationException/>\n');
    const untargeted = await raw(server.endpoint, { headers: { 'content-type': 'text/plain' }, body: '{}' });
    expect(untargeted.status).toBe(403);
    expect(untargeted.body.toString()).toContain('<AccessDeniedException>');
  });

  it('a GET: 403 AccessDeniedException', async () => {
    const answer = await raw(server.endpoint, { method: 'GET', headers: awsHeaders(LIST) });
    expect(answer.status).toBe(403);
    expect(answer.body.toString()).toContain('Unable to determine service/operation name to be authorized');
  });

  it('no Authorization: MissingAuthenticationTokenException; any Authorization is accepted', async () => {
    const { authorization: _, ...unsigned } = awsHeaders(LIST);
    const answer = await raw(server.endpoint, { headers: unsigned, body: '{}' });
    expect(answer.status).toBe(400);
    expect(json(answer.body)).toEqual({
      __type: 'MissingAuthenticationTokenException',
      message: 'Missing Authentication Token',
    });
    const anySignature = await raw(server.endpoint, {
      headers: { ...unsigned, authorization: 'x' },
      body: '{}',
    });
    expect(anySignature.status).toBe(200);
  });

  it('a service that throws a plain Error: 500 InternalFailure, and the next call is answered', async () => {
    const answer = await raw(server.endpoint, { headers: awsHeaders('Kinesis_20131202.Boom'), body: '{}' });
    expect(answer.status).toBe(500);
    expect(json(answer.body)).toEqual({ __type: 'InternalFailure', message: 'a bug in a service' });
    expect((await raw(server.endpoint, { headers: awsHeaders(LIST), body: '{}' })).status).toBe(200);
  });
});

describe('the body bound', () => {
  it('is the largest PutRecords in base64 with its JSON: 14,621,016 bytes', () => {
    // ⌈10,485,760 / 3⌉ × 4 = 3,495,254 × 4 = 13,981,016; + 500 × (256 + 1,024) = 640,000 → 14,621,016.
    expect(DEFAULT_MAX_BODY_BYTES).toBe(14_621_016);
  });

  it('a declared Content-Length over it: the body is read and dropped, then 413 with the AWS JSON error', async () => {
    const answer = await raw(server.endpoint, {
      headers: { ...awsHeaders(LIST), 'content-length': '5000' },
      body: Buffer.alloc(5000, 32),
    });
    expect(answer.status).toBe(413);
    expect(json(answer.body)).toEqual({
      __type: 'RequestEntityTooLargeException',
      message: 'Request body exceeds the limit of 4096 bytes.',
    });
    expect((await raw(server.endpoint, { headers: awsHeaders(LIST), body: '{}' })).status).toBe(200);
  });

  it('a chunked body that grows past it: 413, and the operation never sees it', async () => {
    const answer = await raw(server.endpoint, {
      headers: { ...awsHeaders(LIST), 'transfer-encoding': 'chunked' },
      body: `{"x":"${'a'.repeat(5000)}"}`,
    });
    expect(answer.status).toBe(413);
    expect(json(answer.body)).toMatchObject({ __type: 'RequestEntityTooLargeException' });
    expect(kinesis.calls.some((c) => 'x' in c.input)).toBe(false);
  });

  it('a CBOR request over it gets the error in CBOR', async () => {
    const answer = await raw(server.endpoint, {
      headers: awsHeaders(LIST, 'application/x-amz-cbor-1.1'),
      body: Buffer.alloc(5000, 32),
    });
    expect(answer.status).toBe(413);
    expect(decodeCbor(answer.body)).toMatchObject({ __type: 'RequestEntityTooLargeException' });
  });

  it('past 4 × the bound (declared 16,385 > 4 × 4,096 = 16,384): 413 at once, before any body byte, and the connection closes', async () => {
    const port = Number(new URL(server.endpoint).port);
    const socket = connect(port, '127.0.0.1');
    const headers = Object.entries(awsHeaders(LIST))
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    socket.write(`POST / HTTP/1.1\r\nhost: x\r\n${headers}content-length: 16385\r\n\r\n`);
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    // The server ends the connection itself: 'close' comes without the client sending the body.
    await new Promise<void>((resolve) => socket.on('close', () => resolve()));
    const text = Buffer.concat(chunks).toString();
    expect(text.startsWith('HTTP/1.1 413 ')).toBe(true);
    expect(text.toLowerCase()).toContain('connection: close');
    expect(json(Buffer.from(text.slice(text.indexOf('\r\n\r\n') + 4)))).toMatchObject({
      __type: 'RequestEntityTooLargeException',
    });
  });
});

describe('CBOR (application/x-amz-cbor-1.1)', () => {
  // A client's CBOR, as the Java SDK writes it: plain maps, byte strings, tag 1 for timestamps.
  const encoder = { encode: (value: unknown) => Buffer.from(encodeCbor(value)) };
  const decoder = {
    decode: (bytes: Uint8Array): unknown =>
      decodeCbor(bytes, { tags: { 1: (content: () => unknown) => new Date(Number(content()) * 1000) } }),
  };

  it('byte strings reach the service as base64, as JSON blobs do', async () => {
    const body = encoder.encode({
      StreamName: 'orders',
      Records: [{ Data: new Uint8Array([104, 105]), PartitionKey: 'k' }],
    });
    const answer = await raw(server.endpoint, {
      headers: awsHeaders('Kinesis_20131202.PutRecords', 'application/x-amz-cbor-1.1'),
      body,
    });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/x-amz-cbor-1.1');
    expect(decoder.decode(answer.body)).toMatchObject({ FailedRecordCount: 0 });
    // [104, 105] is "hi": base64 aGk=.
    expect(kinesis.calls.at(-1)?.input.Records).toEqual([{ Data: 'aGk=', PartitionKey: 'k' }]);
  });

  it('answers blobs as byte strings and timestamps as tag 1 (epoch seconds)', async () => {
    const answer = await raw(server.endpoint, {
      headers: awsHeaders('Kinesis_20131202.GetRecords', 'application/x-amz-cbor-1.1'),
      body: encoder.encode({ ShardIterator: 'it' }),
    });
    const out = decoder.decode(answer.body) as {
      Records: { Data: Uint8Array; ApproximateArrivalTimestamp: Date }[];
    };
    expect(Buffer.from(out.Records[0]!.Data).toString()).toBe('one');
    expect(out.Records[0]!.ApproximateArrivalTimestamp).toEqual(new Date(ARRIVAL_MS));
    // Tag 1 is the byte 0xc1; no record-extension tag (105: 0xd8 0x69), which Java's decoder does not know.
    expect(answer.body.includes(0xc1)).toBe(true);
    expect(answer.body.includes(Buffer.from([0xd8, 0x69]))).toBe(false);
  });

  it('errors are CBOR maps with __type and message', async () => {
    const answer = await raw(server.endpoint, {
      headers: awsHeaders('Kinesis_20131202.DescribeStreamSummary', 'application/x-amz-cbor-1.1'),
      body: encoder.encode({ StreamName: 'gone' }),
    });
    expect(answer.status).toBe(400);
    expect(decoder.decode(answer.body)).toEqual({
      __type: 'ResourceNotFoundException',
      message: 'Stream gone under account 000000000000 not found.',
    });
  });

  it('a body that is not CBOR: SerializationException', async () => {
    const answer = await raw(server.endpoint, {
      headers: awsHeaders(LIST, 'application/x-amz-cbor-1.1'),
      body: Buffer.from([0xff, 0x00, 0x1f]),
    });
    expect(answer.status).toBe(400);
    expect((decoder.decode(answer.body) as { __type: string }).__type).toBe('SerializationException');
  });
});

describe('over HTTP/2', () => {
  async function http2Call(
    headers: Record<string, string>,
    body: Buffer | string,
  ): Promise<{ status: number; body: Buffer } | Error> {
    const { connect } = await import('node:http2');
    const session = connect(server.endpoint);
    session.on('error', () => {});
    try {
      return await new Promise((resolve) => {
        const stream = session.request({ ':method': 'POST', ':path': '/', ...headers });
        let status = 0;
        const chunks: Buffer[] = [];
        stream.on('response', (h) => {
          status = Number(h[':status']);
        });
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => resolve({ status, body: Buffer.concat(chunks) }));
        stream.on('error', (error) => resolve(error));
        stream.end(body);
      });
    } finally {
      session.destroy();
    }
  }

  it('answers the same errors: SerializationException, and 413 for a body over the bound', async () => {
    const bad = await http2Call(awsHeaders(LIST), '{');
    expect(bad).not.toBeInstanceOf(Error);
    expect((bad as { status: number }).status).toBe(400);
    expect(json((bad as { body: Buffer }).body)).toMatchObject({ __type: 'SerializationException' });
    const large = await http2Call(awsHeaders(LIST), Buffer.alloc(5000, 32));
    // 5,000 bytes fit in HTTP/2's first window: the whole body is sent, and the answer is 413.
    expect(large).not.toBeInstanceOf(Error);
    expect((large as { status: number }).status).toBe(413);
    expect(json((large as { body: Buffer }).body)).toMatchObject({
      __type: 'RequestEntityTooLargeException',
    });
    expect((await raw(server.endpoint, { headers: awsHeaders(LIST), body: '{}' })).status).toBe(200);
  });
});
