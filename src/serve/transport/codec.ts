/**
 * Bodies of AWS's JSON 1.1 (`application/x-amz-json-1.1`) and CBOR (`application/x-amz-cbor-1.1`,
 * what the Java SDK and the KCL send) protocols, turned into the one shape services see
 * (src/serve/protocol.ts, "Wire shapes"):
 *
 * - input: blobs are base64 strings (JSON sends them so; CBOR byte strings are encoded to base64),
 *   timestamps are epoch seconds as numbers (JSON sends them so; CBOR tag 1 dates are converted);
 * - output: an operation may return `Uint8Array` blobs and `Date` timestamps (or base64 strings and
 *   numbers, passed through); JSON writes blobs as base64 and dates as epoch seconds numbers (what
 *   the SDK reads `ApproximateArrivalTimestamp` as), CBOR writes byte strings and tag 1 dates.
 */
import { decode as decodeCbor, encode as encodeCbor, Tagged } from 'cborg';
import { AwsError } from '../protocol.js';

export const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';
export const CBOR_CONTENT_TYPE = 'application/x-amz-cbor-1.1';
export type WireFormat = 'json' | 'cbor';

/**
 * CBOR with cborg (pure JavaScript: no native build, no platform packages to resolve): plain CBOR,
 * maps decoded as objects, and tag 1 (epoch-based date/time) the one tag read, as the Java SDK
 * writes timestamps; every other tag is a malformed body.
 */
const CBOR_TAGS = { 1: (content: () => unknown) => new Date(Number(content()) * 1000) };

/** Converts an operation's output for `format` (see the module comment). */
export function toWire(value: unknown, format: WireFormat): unknown {
  if (value instanceof Uint8Array) {
    return format === 'json'
      ? Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')
      : value;
  }
  // JSON: epoch seconds as a number; CBOR: tag 1 around the epoch seconds.
  if (value instanceof Date)
    return format === 'json' ? value.getTime() / 1000 : new Tagged(1, value.getTime() / 1000);
  if (Array.isArray(value)) return value.map((item) => toWire(item, format));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) if (item !== undefined) out[key] = toWire(item, format);
    return out;
  }
  return value;
}

/** CBOR input in JSON's shapes: byte strings → base64, dates → epoch seconds. */
function fromCbor(value: unknown): unknown {
  if (value instanceof Uint8Array)
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(fromCbor);
  if (value instanceof Map)
    return ownProperties([...value].map(([key, item]) => [String(key), fromCbor(item)]));
  if (value !== null && typeof value === 'object') {
    return ownProperties(Object.entries(value).map(([key, item]) => [key, fromCbor(item)]));
  }
  return value;
}

/**
 * An object of `entries` as own properties: a `__proto__` key in a client's CBOR map stays a
 * member, as JSON.parse keeps it, instead of replacing the object's prototype.
 */
function ownProperties(entries: [string, unknown][]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, item] of entries) {
    Object.defineProperty(out, key, { value: item, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A request body as an operation's input; `SerializationException` when it is not an object. */
export function decodeBody(body: Buffer, format: WireFormat): Record<string, unknown> {
  let value: unknown;
  try {
    value =
      format === 'json' ? JSON.parse(body.toString('utf8')) : fromCbor(decodeCbor(body, { tags: CBOR_TAGS }));
  } catch {
    value = undefined;
  }
  if (!isPlainObject(value)) {
    throw new AwsError(
      'SerializationException',
      format === 'json'
        ? 'Start of structure or map found where not expected.'
        : 'Unable to parse the CBOR body.',
    );
  }
  if (deeperThan(value, MAX_DEPTH)) {
    throw new AwsError('SerializationException', `The request nests deeper than ${MAX_DEPTH} levels.`);
  }
  return value;
}

/**
 * No Kinesis or Firehose input nests more than a few levels (PutRecordBatch: body → Records →
 * record → Data); a body nested thousands deep would overflow the stack of code that walks it.
 */
const MAX_DEPTH = 32;

/** Whether `value` nests more than `limit` arrays or objects deep (iteratively: no recursion to overflow). */
function deeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (item === null || typeof item !== 'object') continue;
    if (depth > limit) return true;
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return false;
}

/** An operation's output (or an error's `{__type, message}`) as a response body. */
export function encodeBody(value: unknown, format: WireFormat): Buffer {
  const wire = toWire(value ?? {}, format);
  return format === 'json' ? Buffer.from(JSON.stringify(wire)) : Buffer.from(encodeCbor(wire));
}
