/**
 * One AWS request through the transport, for HTTP/1.1 and HTTP/2 alike (both give Node's
 * compatibility request/response): read the body within its bound, check it as AWS does, draw the
 * faults, call the operation, write its answer or its error.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Http2ServerRequest, type Http2ServerResponse, constants as http2 } from 'node:http2';
import { encodeException } from '../event-stream.js';
import type { FaultInjector } from '../faults.js';
import { AwsError, type RequestContext, type Service, type StreamingResponse } from '../protocol.js';
import { CBOR_CONTENT_TYPE, decodeBody, encodeBody, JSON_CONTENT_TYPE, type WireFormat } from './codec.js';
import { internalFailure, serviceUnavailable, throttleError } from './errors.js';

export type Request = IncomingMessage | Http2ServerRequest;
export type Response = ServerResponse | Http2ServerResponse;

export interface Transport {
  services: ReadonlyMap<string, Service>;
  context: RequestContext;
  faults: FaultInjector;
  maxBodyBytes: number;
  count(key: string, status: number, errorType?: string): void;
  /** Waits `ms` real milliseconds, unless the server closes first (then never resolves). */
  delay(ms: number): Promise<void>;
}

/**
 * A body read: the bytes; or too large (`drained`: the rest was read and dropped, so the connection
 * can answer and carry on); or the client left mid-body (nothing to answer).
 */
export type BodyRead = { body: Buffer } | { tooLarge: { drained: boolean } } | { aborted: true };

/**
 * How much of a too-large body is read and dropped before the connection is cut: 4 × the bound
 * (58 MB at the default 14,621,016). Answering before the client has sent its body makes the SDK
 * see EPIPE (HTTP/1.1) or NGHTTP2_ENHANCE_YOUR_CALM (HTTP/2) instead of the error; reading the rest
 * lets it read the 413, and past this a client that keeps sending is cut off.
 */
export const DISCARD_FACTOR = 4;

/**
 * Reads the body up to `limit` bytes. A longer one is read on, dropping its bytes, up to
 * `limit × DISCARD_FACTOR` (the caller answers 413 when it ends); a declared Content-Length past
 * that is refused before reading.
 */
export function readBody(request: Request, limit: number): Promise<BodyRead> {
  const discardLimit = limit * DISCARD_FACTOR;
  return new Promise((resolve) => {
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > discardLimit) {
      resolve({ tooLarge: { drained: false } });
      return;
    }
    let chunks: Buffer[] = [];
    let length = 0;
    let done = false;
    const finish = (read: BodyRead) => {
      if (done) return;
      done = true;
      resolve(read);
    };
    request.on('data', (chunk: Buffer) => {
      if (done) return;
      length += chunk.length;
      if (length > discardLimit) {
        request.pause();
        finish({ tooLarge: { drained: false } });
        return;
      }
      if (length > limit)
        chunks = []; // over the bound: nothing more is kept
      else chunks.push(chunk);
    });
    request.on('end', () =>
      finish(length > limit ? { tooLarge: { drained: true } } : { body: Buffer.concat(chunks, length) }),
    );
    // A client gone mid-body: nothing to answer.
    request.on('error', () => finish({ aborted: true }));
    request.on('aborted', () => finish({ aborted: true }));
  });
}

/**
 * The answer to a body over the bound. AWS documents no error for it (the Kinesis and Firehose API
 * references list none; their front end answers 413): AWS's JSON error shape with the type AWS
 * uses for a 413 elsewhere (Lambda's `RequestEntityTooLargeException`), so an SDK parses it into an
 * error of that name with `$metadata.httpStatusCode` 413.
 */
export function tooLargeError(limit: number): AwsError {
  return new AwsError(
    'RequestEntityTooLargeException',
    `Request body exceeds the limit of ${limit} bytes.`,
    413,
  );
}

/** The wire format a request's Content-Type asks for (JSON when it names neither). */
export function formatOfRequest(request: Request): WireFormat {
  const contentType = String(request.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
  return formatOf(contentType) ?? 'json';
}

/** Headers every answer carries, as AWS's do. */
export function requestIdHeaders(): Record<string, string> {
  return { 'x-amzn-RequestId': randomUUID(), 'x-amz-id-2': randomBytes(54).toString('base64') };
}

export function send(
  response: Response,
  status: number,
  headers: Record<string, string>,
  body: Buffer | string,
): void {
  if (response.headersSent || response.writableEnded || response.destroyed) return;
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  response.writeHead(status, { ...headers, 'Content-Length': String(bytes.length) });
  response.end(bytes);
}

/** Drops the request: the whole connection for HTTP/1.1, the stream (RST_STREAM) for HTTP/2. */
export function dropConnection(response: Response): void {
  if ('stream' in response && response.stream) response.stream.close(http2.NGHTTP2_INTERNAL_ERROR);
  else response.socket?.destroy();
}

/** The XML body AWS's front end answers before it knows the protocol (wrong method or content type). */
function xmlError(type: string, message?: string): string {
  return message === undefined ? `<${type}/>\n` : `<${type}>\n  <Message>${message}</Message>\n</${type}>\n`;
}

function formatOf(contentType: string): WireFormat | undefined {
  if (contentType === JSON_CONTENT_TYPE) return 'json';
  if (contentType === CBOR_CONTENT_TYPE) return 'cbor';
  return undefined;
}

/** A streaming operation's response over the HTTP/2 stream or a chunked HTTP/1.1 answer. */
function streamingResponse(response: Response, ids: Record<string, string>): StreamingResponse {
  // The two response classes write alike; their overloads do not unify in TypeScript.
  const writable = response as unknown as { write(chunk: Uint8Array): boolean; flushHeaders?(): void };
  let clientGone = false;
  const closeListeners: (() => void)[] = [];
  let closedOnce = false;
  const closed = () => {
    if (closedOnce) return;
    closedOnce = true;
    clientGone = true;
    for (const listener of closeListeners) listener();
  };
  response.on('close', closed);
  response.on('error', closed);
  return {
    start(headers) {
      if (response.headersSent) return;
      response.writeHead(200, { 'Content-Type': 'application/vnd.amazon.eventstream', ...headers, ...ids });
      writable.flushHeaders?.();
    },
    write: (chunk) => (clientGone || response.writableEnded ? false : writable.write(chunk)),
    onDrain: (listener) => {
      response.on('drain', listener);
    },
    end: () => {
      if (!response.writableEnded) response.end();
    },
    get closed() {
      return clientGone || response.writableEnded || response.destroyed;
    },
    onClose: (listener) => {
      if (closedOnce) listener();
      else closeListeners.push(listener);
    },
  };
}

/** Checks method, content type, target and signature as AWS does; the error, or where to go. */
function route(
  transport: Transport,
  request: Request,
  body: Buffer,
):
  | { error: { status: number; body: string; contentType: string; type: string } }
  | { format: WireFormat; service: Service; operation: string } {
  const contentType = String(request.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
  const format = formatOf(contentType);
  const [prefix, operation] = String(request.headers['x-amz-target'] ?? '').split('.');
  const service = prefix ? transport.services.get(prefix) : undefined;
  const known = service !== undefined && operation !== undefined && service.operations.has(operation);
  const awsError = (type: string, message: string | undefined, f: WireFormat) => ({
    error: {
      status: 400,
      type,
      contentType: f === 'json' ? JSON_CONTENT_TYPE : CBOR_CONTENT_TYPE,
      body: encodeBody(message === undefined ? { __type: type } : { __type: type, message }, f).toString(
        'latin1',
      ),
    },
  });
  const xml = (status: number, type: string, message?: string) => ({
    error: { status, type, contentType: 'application/xml', body: xmlError(type, message) },
  });
  if (request.method !== 'POST' || (format === undefined && !(prefix && operation))) {
    return xml(403, 'AccessDeniedException', 'Unable to determine service/operation name to be authorized');
  }
  if (body.length === 0) {
    return awsError(
      known ? 'SerializationException' : 'UnknownOperationException',
      undefined,
      format ?? 'json',
    );
  }
  if (format === undefined) return xml(404, 'UnknownOperationException');
  if (!known) return awsError('UnknownOperationException', undefined, format);
  if (!request.headers.authorization) {
    return awsError('MissingAuthenticationTokenException', 'Missing Authentication Token', format);
  }
  return { format, service, operation };
}

/** Answers one AWS request (the body already read). */
export async function answer(
  transport: Transport,
  request: Request,
  response: Response,
  body: Buffer,
): Promise<void> {
  const ids = requestIdHeaders();
  const routed = route(transport, request, body);
  if ('error' in routed) {
    const { status, contentType, type } = routed.error;
    transport.count('unknown', status, type);
    send(response, status, { ...ids, 'Content-Type': contentType }, Buffer.from(routed.error.body, 'latin1'));
    return;
  }
  const { format, service, operation } = routed;
  const key = `${service.targetPrefix}.${operation}`;
  const contentType = format === 'json' ? JSON_CONTENT_TYPE : CBOR_CONTENT_TYPE;
  const fail = (error: AwsError) => {
    transport.count(key, error.status, error.type);
    if (response.headersSent && !response.writableEnded) {
      // A stream already started: the error is its last message, as AWS ends a subscription.
      (response as unknown as { write(chunk: Uint8Array): boolean }).write(
        encodeException(error.type, error.message),
      );
      response.end();
      return;
    }
    send(
      response,
      error.status,
      { ...ids, 'Content-Type': contentType },
      encodeBody({ __type: error.type, message: error.message }, format),
    );
  };
  try {
    const input = decodeBody(body, format);
    const decision = transport.faults.decide(operation);
    if (decision.delayMs > 0) await transport.delay(decision.delayMs);
    if (decision.kind === 'reset') {
      transport.count(key, 0);
      dropConnection(response);
      return;
    }
    if (decision.kind === 'throttle') throw throttleError(service.targetPrefix, operation);
    if (decision.kind === 'error500') throw internalFailure('Internal service failure (injected fault).');
    if (decision.kind === 'error503') throw serviceUnavailable('Service unavailable (injected fault).');
    const handler = service.operations.get(operation)!;
    if (typeof handler !== 'function') {
      const stream = streamingResponse(response, ids);
      handler.handle(input, transport.context, stream);
      transport.count(key, 200);
      return;
    }
    const output = await handler(input, transport.context);
    transport.count(key, 200);
    send(response, 200, { ...ids, 'Content-Type': contentType }, encodeBody(output, format));
  } catch (error) {
    // An operation that fails with anything but an AwsError has a bug: the client gets AWS's
    // InternalFailure and the server carries on.
    fail(
      error instanceof AwsError
        ? error
        : internalFailure(error instanceof Error ? error.message : String(error)),
    );
  }
}
